// Command sotay is the electronic party-member handbook on Telegram: the
// bot (serve), its database (migrate), the roster (import), invites,
// roles, and a demo commune.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	_ "time/tzdata" // Asia/Ho_Chi_Minh on machines without zoneinfo

	"sotay/storage"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	root := newRootCmd()
	err := root.ExecuteContext(ctx)
	if err == nil {
		return
	}
	var ex exitError
	if errors.As(err, &ex) {
		if ex.msg != "" {
			fmt.Fprintln(os.Stderr, ex.msg)
		}
		os.Exit(ex.code)
	}
	if msg := storage.ErrorMessage(err); msg != "" {
		fmt.Fprintln(os.Stderr, "Lỗi:", msg)
	} else {
		fmt.Fprintln(os.Stderr, "Lỗi:", err)
	}
	os.Exit(1)
}

// userError is err as the user should read it: the message of an
// expected storage error alone, without where it happened.
func userError(err error) error {
	if msg := storage.ErrorMessage(err); msg != "" {
		return errors.New(msg)
	}
	return err
}

// exitError ends the program with a code after its message was printed.
type exitError struct {
	code int
	msg  string
}

func (e exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

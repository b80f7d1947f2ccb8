package main

import (
	"errors"

	"github.com/spf13/cobra"
)

func demoCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "demo",
		Short: "Run the bot on a ready demo commune (a sandbox chat in the browser when no token is given)",
		RunE:  func(*cobra.Command, []string) error { return errors.New("demo: being built") },
	}
}

package main

import (
	"errors"

	"github.com/spf13/cobra"
)

func docCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "doc",
		Short: "Add, edit and withdraw documents",
		RunE:  func(*cobra.Command, []string) error { return errors.New("doc: being built") },
	}
}

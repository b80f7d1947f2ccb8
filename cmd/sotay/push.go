package main

import (
	"errors"

	"github.com/spf13/cobra"
)

func pushCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "push",
		Short: "Push a document to the members of organisations",
		RunE:  func(*cobra.Command, []string) error { return errors.New("push: being built") },
	}
}

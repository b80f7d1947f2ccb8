package main

import "github.com/spf13/cobra"

// version is the release this binary was built as: cmd/sotay-pkg sets it
// (-ldflags -X main.version=...) to the Debian package's version; go build
// and go run leave "dev".
var version = "dev"

// versionFlag is sotay --version (-v), in Vietnamese.
func versionFlag(root *cobra.Command) {
	root.Version = version
	root.SetVersionTemplate("sotay {{.Version}}\n")
	root.Flags().BoolP("version", "v", false, "in phiên bản của sotay")
}

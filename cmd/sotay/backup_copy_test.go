package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// copyOff runs the two rsync lines of docs/deploy/README.md ("Copies that
// leave the server") as written there, with the folders swapped for the
// test's: the USB disk's (a shell command) and the nightly copy to another
// machine (an ExecStartPost= line, which systemd splits on spaces without a
// shell; ssh is played by a script that runs the remote rsync here). Each
// copy gets the dump, byte for byte, and neither the link
// sotay-LATEST.dump nor a dump being written, and keeps older dumps.
func copyOff(t *testing.T, backups, dump string) {
	if _, err := exec.LookPath("rsync"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("rsync is required under CI")
		}
		t.Skip("no rsync")
	}
	guide, err := os.ReadFile(filepath.Join(deployDir, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	var usbLine, nightlyLine string
	for _, l := range strings.Split(string(guide), "\n") {
		switch {
		case strings.HasPrefix(l, "sudo rsync "):
			usbLine = strings.TrimPrefix(l, "sudo ")
		case strings.HasPrefix(l, "ExecStartPost=+/usr/bin/rsync "):
			nightlyLine = strings.TrimPrefix(l, "ExecStartPost=+")
		}
	}
	if usbLine == "" || nightlyLine == "" {
		t.Fatalf("the guide has no rsync line for the USB disk (%q) or the other machine (%q)", usbLine, nightlyLine)
	}
	if err := os.WriteFile(filepath.Join(backups, "sotay-20991231T000000Z.dump.part"), []byte("half"), 0o600); err != nil {
		t.Fatal(err)
	}
	usb, remoteHome := t.TempDir(), t.TempDir()
	older := "sotay-20190101T000000Z.dump"
	for _, dir := range []string{filepath.Join(usb, "sotay-backups"), filepath.Join(remoteHome, "sotay-backups")} {
		os.MkdirAll(dir, 0o755)
		os.WriteFile(filepath.Join(dir, older), []byte("kept"), 0o600)
	}
	swap := strings.NewReplacer("/var/backups/sotay/", backups+"/", "/mnt/", usb+"/")

	run := func(cmd *exec.Cmd) {
		t.Helper()
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%v: %v\n%s", cmd.Args, err, out)
		}
	}
	run(exec.Command("sh", "-c", swap.Replace(usbLine)))
	// ssh -l backup may-du-phong rsync --server ... : run the rsync here,
	// in the remote account's home.
	fakeSSH := filepath.Join(t.TempDir(), "ssh")
	os.WriteFile(fakeSSH, []byte("#!/bin/sh\nwhile [ $# -gt 0 ]; do case \"$1\" in -l) shift 2;; -*) shift;; *) break;; esac; done\n"+
		"shift\ncd \"$FAKE_REMOTE_HOME\" && exec \"$@\"\n"), 0o755)
	args := strings.Fields(swap.Replace(nightlyLine))
	nightly := exec.Command(args[0], args[1:]...)
	nightly.Env = append(os.Environ(), "RSYNC_RSH="+fakeSSH, "FAKE_REMOTE_HOME="+remoteHome)
	run(nightly)

	want, _ := os.ReadFile(dump)
	for name, dir := range map[string]string{"USB disk": filepath.Join(usb, "sotay-backups"), "other machine": filepath.Join(remoteHome, "sotay-backups")} {
		got, err := os.ReadFile(filepath.Join(dir, filepath.Base(dump)))
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("%s: the dump was not copied whole (%v)", name, err)
		}
		entries, _ := os.ReadDir(dir)
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		if len(names) != 2 || !strings.Contains(strings.Join(names, " "), older) {
			t.Fatalf("%s holds %v, want the dump and the older %s only", name, names, older)
		}
	}
}

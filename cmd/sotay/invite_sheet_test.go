package main

import (
	"context"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	multiqr "github.com/makiuchi-d/gozxing/multi/qrcode"
)

// scanPages renders a PDF as a printer would (pdftoppm, 150 dpi) and reads
// every QR code on its pages, as a phone camera pointed at the paper would.
func scanPages(t *testing.T, pdf string) []string {
	t.Helper()
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		t.Skip("no pdftoppm (apt-get install poppler-utils): the sheet's QR codes are checked in handlers/invitesheet")
	}
	dir := t.TempDir()
	if out, err := exec.Command("pdftoppm", "-r", "150", "-gray", "-png", pdf, filepath.Join(dir, "p")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	pages, _ := filepath.Glob(filepath.Join(dir, "p*.png"))
	var links []string
	for _, p := range pages {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		links = append(links, scanImage(t, img)...)
	}
	return links
}

func scanImage(t *testing.T, img image.Image) []string {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := multiqr.NewQRCodeMultiReader().DecodeMultiple(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true})
	if err != nil {
		t.Fatalf("no QR code found on a page: %v", err)
	}
	var out []string
	for _, r := range res {
		out = append(out, r.GetText())
	}
	return out
}

// TestInviteSheet: `sotay invite --org CODE --sheet FILE` prints one slip
// per unlinked member; each QR code on the printed page opens the bot with
// that member's invite, which links them.
func TestInviteSheet(t *testing.T) {
	dsn, env := seeded(t)
	pdf := filepath.Join(t.TempDir(), "phieu-moi.pdf")
	r := mustRun(t, env, "invite", "--org", "CBNAHIEN", "--sheet", pdf, "--bot-username", "sotay_bot")
	if !strings.Contains(r.stdout, "Đã ghi 2 phiếu mời (1 trang A4)") || !strings.Contains(r.stdout, "1 đồng chí có số điện thoại") {
		t.Fatalf("output: %+v", r)
	}
	t.Run("BadFlags", func(t *testing.T) {
		for _, args := range [][]string{
			{"invite", "--org", "CBNAHIEN", "--sheet", "x.xlsx"},
			{"invite", "--org", "CBNAHIEN", "--sheet", "x.pdf", "--out", "y.xlsx"},
		} {
			if r := run(t, env, args...); r.code != 1 || !strings.Contains(r.stderr, "--sheet") {
				t.Fatalf("%v: %+v", args, r)
			}
		}
	})
	links := scanPages(t, pdf)
	sort.Strings(links)
	if len(links) != 2 {
		t.Fatalf("scanned %d QR codes: %q", len(links), links)
	}
	s := open(t, dsn)
	var codes []string
	for i, l := range links {
		tok, ok := strings.CutPrefix(l, "https://t.me/sotay_bot?start=")
		if !ok {
			t.Fatalf("QR %q is not a deep link to the bot", l)
		}
		red, err := s.RedeemInvite(context.Background(), tok, int64(91000+i))
		if err != nil {
			t.Fatalf("the printed invite does not link: %v", err)
		}
		codes = append(codes, red.Member.Code)
	}
	sort.Strings(codes)
	if strings.Join(codes, ",") != "DV0001,DV0002" {
		t.Fatalf("the slips linked %v", codes)
	}
}

package vn

import (
	"strings"
	"unicode/utf8"
)

// Cut shortens s to n characters at most, at a word boundary when it can.
func Cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	rs := []rune(s)[:n-1]
	out := string(rs)
	if i := strings.LastIndexByte(out, ' '); i > len(out)/2 {
		out = out[:i]
	}
	return out + "…"
}

package roster

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"sotay/storage/vn"
)

// cleanText trims a free-text cell (a quiz's question, options and
// explanation) and returns it in NFC, through vn.Clean: no control or
// bidirectional character, emoji kept whole. Line breaks and tabs inside
// the cell become spaces.
func cleanText(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, vn.Clean(s))
	// NFC last: trimming after it could strand a combining mark next to a
	// letter it should have been composed with.
	return norm.NFC.String(strings.TrimSpace(s))
}

// clean is cleanText for the cells of a roster and the codes and names
// everywhere: every invisible format character (zero-width spaces and
// joiners, BOMs pasted from the web) is dropped too, as it never belongs
// in a name or a code and would make two equal ones differ.
func clean(s string) string {
	return cleanText(strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, s))
}

// cleanName is clean with runs of inner whitespace (line breaks from
// Alt+Enter, double spaces, non-breaking spaces) collapsed to one space.
func cleanName(s string) string {
	return norm.NFC.String(strings.Join(strings.Fields(clean(s)), " "))
}

// foldHeader folds a header cell to its vn.Key after dropping remarks in
// brackets, so that "Giới tính (Nam/Nữ)" and "Số điện thoại (không bắt
// buộc)" still match, as do "Họ và tên", "ho va ten" and "HO_VA_TEN".
func foldHeader(s string) string {
	var b strings.Builder
	depth := 0
	for _, r := range s {
		switch r {
		case '(', '[':
			depth++
		case ')', ']':
			if depth > 0 {
				depth--
			}
		default:
			if depth == 0 {
				b.WriteRune(r)
			}
		}
	}
	if f := vn.Key(b.String()); f != "" {
		return f
	}
	return vn.Key(s)
}

func hasLetter(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

// quote shows a user's value inside a reason, cut short so that one odd
// cell cannot make the report unreadable.
func quote(s string) string {
	const max = 40
	if utf8.RuneCountInString(s) > max {
		r := []rune(s)
		s = string(r[:max]) + "…"
	}
	return `"` + s + `"`
}

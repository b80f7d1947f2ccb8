// Package vn reads Vietnamese text and dates the way people type them: with
// or without diacritics, composed or decomposed, in any case, with dates
// written day first. It is the one place these rules live, so that search,
// roster import, the quick report forms and the command line agree on what
// "the same word" and "a date" mean. Text that enters sotay is cleaned here
// (Clean), secrecy stamps are recognised here (SecrecyStamp), and numbers
// are written here the Vietnamese way (Number, Percent: "2.793", "95,2 %"). It imports
// nothing of the project, so storage and everything above it may use it.
package vn

import (
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Fold reduces text to what comparisons see: decomposed (NFD) so that
// composed and decomposed input agree, combining marks removed, đ/Đ as d,
// lower case, runs of white space as one space, no space at either end.
// "Kết luận số 21-KL/TW" folds to "ket luan so 21-kl/tw".
//
// Search columns are stored folded, so a change here changes what stored
// rows match: such a change needs the columns recomputed.
func Fold(s string) string {
	// A Chain keeps state, so each call builds its own.
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)))
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	out = strings.Map(func(r rune) rune {
		switch r {
		case 'đ', 'Đ', 'Ð', 'ð': // Đ is sometimes typed as the Icelandic Eth
			return 'd'
		}
		return unicode.ToLower(r)
	}, out)
	return strings.Join(strings.Fields(out), " ")
}

// Key is Fold keeping letters and digits only, for names that people write
// with spaces, underscores or punctuation as they please: "Họ và tên",
// "ho va ten", "HO_VA_TEN" and "Họ  và  tên" all give "hovaten", and
// "21-KL/TW" gives "21kltw".
func Key(s string) string {
	f := Fold(s)
	var b strings.Builder
	b.Grow(len(f))
	for _, r := range f {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Match reports whether every word of query occurs in text, both folded:
// "na hien" matches "Chi bộ bản Nà Hiên 1". An empty query matches all.
func Match(text, query string) bool {
	t := Fold(text)
	for _, w := range strings.Fields(Fold(query)) {
		if !strings.Contains(t, w) {
			return false
		}
	}
	return true
}

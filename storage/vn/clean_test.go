package vn_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"sotay/storage/vn"
)

func TestClean(t *testing.T) {
	const (
		family = "👨\u200d👩\u200d👧" // joined by ZWJ
		heart  = "❤\ufe0f"         // with variation selector 16
		ideo   = "葛\U000E0100"     // with an ideographic variation selector
	)
	tests := []struct{ name, in, want string }{
		{"PlainVietnamese", "Quán triệt Kết luận 21-KL/TW", "Quán triệt Kết luận 21-KL/TW"},
		{"KeepsTabsAndLineBreaks", "a\tb\nc\r\nd", "a\tb\nc\r\nd"},
		{"DropsC0C1AndDEL", "a\x00b\x1bc\x7fd\u0085e\u009ff", "abcdef"},
		{"DropsOverride", "Quán triệt \u202eWT/LK-12\u202c", "Quán triệt WT/LK-12"},
		{"DropsEmbeddings", "\u202aa\u202bb\u202cc\u202dd", "abcd"},
		{"DropsIsolates", "\u2066a\u2067b\u2068c\u2069", "abc"},
		{"DropsMarks", "\u200ea\u200fb\u061cc", "abc"},
		{"KeepsZWJ", family, family},
		{"KeepsVariationSelectors", heart + ideo, heart + ideo},
		{"KeepsOtherFormatCharacters", "soft\u00adhyphen zero\u200cwidth", "soft\u00adhyphen zero\u200cwidth"},
		{"BrokenUTF8", "a\xffb", "a\ufffdb"},
		{"KeepsReplacementCharacter", "a\ufffdb", "a\ufffdb"},
		{"Empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := vn.Clean(tt.in); got != tt.want {
				t.Fatalf("Clean(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if vn.IsClean(tt.in) != (tt.in == tt.want) {
				t.Fatalf("IsClean(%q) = %v", tt.in, vn.IsClean(tt.in))
			}
		})
	}
}

func TestHasLetterOrDigit(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"Quán triệt", true}, {"21", true}, {"ố", true}, {"e\u0301", true}, {"ꦧ", true}, {"٣", true},
		{"", false}, {"   ", false}, {"🎉🎉", false}, {"👨\u200d👩\u200d👧", false}, {"!!! ... ???", false},
		{"❤\ufe0f", false}, {"—", false}, {"\u0301", false},
	}
	for _, tt := range tests {
		if got := vn.HasLetterOrDigit(tt.in); got != tt.want {
			t.Errorf("HasLetterOrDigit(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// FuzzClean checks what every cleaned text promises: valid UTF-8, no
// bidirectional control, no control but tab, line feed and carriage
// return, the same text when cleaned again, and the zero-width joiner
// and variation selectors kept.
func FuzzClean(f *testing.F) {
	for _, s := range []string{
		"", "Quán triệt Kết luận 21-KL/TW", "a\x00b\tc\nd\r\n", "\u202eabc\u202c", "\u2066\u2067\u2068\u2069\u200e\u200f\u061c",
		"👨\u200d👩\u200d👧 ❤\ufe0f 葛\U000E0100", "\xff\xfe\x80", "\u0085\u009f\x7f", "\xe2\x80\xae", "\xe2\x80", "\u202a\xe2\u202b",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := vn.Clean(s)
		if !utf8.ValidString(out) {
			t.Fatalf("Clean(%q) = %q: not UTF-8", s, out)
		}
		for _, r := range out {
			if vn.IsBidiControl(r) || vn.IsControl(r) {
				t.Fatalf("Clean(%q) = %q keeps %U", s, out, r)
			}
			if r < 0x20 && r != '\t' && r != '\n' && r != '\r' {
				t.Fatalf("Clean(%q) = %q keeps %U", s, out, r)
			}
			if r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 || r == 0x200e || r == 0x200f || r == 0x061c {
				t.Fatalf("Clean(%q) = %q keeps the bidi control %U", s, out, r)
			}
		}
		if again := vn.Clean(out); again != out {
			t.Fatalf("Clean is not idempotent: %q then %q", out, again)
		}
		if !vn.IsClean(out) {
			t.Fatalf("IsClean(Clean(%q)) = false", s)
		}
		if vn.IsClean(s) && out != s {
			t.Fatalf("IsClean(%q) but Clean changed it to %q", s, out)
		}
		if utf8.ValidString(s) {
			for _, keep := range []string{"\u200d", "\ufe0f", "\ufe00", "\U000E0100"} {
				if strings.Count(out, keep) != strings.Count(s, keep) {
					t.Fatalf("Clean(%q) = %q lost %U", s, out, []rune(keep)[0])
				}
			}
		}
	})
}

package vn

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Clean is the one cleaner of text that enters sotay: chat updates
// (messages, captions, file names, button data), the command line's flags
// and text files, quiz and roster files. It returns s as valid UTF-8
// (broken bytes become U+FFFD) without
//   - C0 and C1 control characters and DEL, except tab, line feed and
//     carriage return: U+0000 in a caption, say, which PostgreSQL refuses
//     in text and jsonb;
//   - the Unicode bidirectional controls (U+061C, U+200E, U+200F,
//     U+202A–U+202E, U+2066–U+2069): they make a stored topic, a
//     confirmation or a CSV cell display in another order than it reads.
//
// Nothing a person types needs them, so they are dropped rather than
// refused. The zero-width joiner and the variation selectors stay: emoji
// are built with them.
func Clean(s string) string {
	if IsClean(s) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if dropped(r) {
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
}

// IsClean reports whether Clean would return s unchanged.
func IsClean(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0x7f {
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 || dropped(r) {
			return false
		}
		i += n
	}
	return true
}

// dropped reports the runes Clean drops.
func dropped(r rune) bool { return IsControl(r) || IsBidiControl(r) }

// IsControl reports the C0 and C1 controls and DEL, but not tab, line feed
// or carriage return.
func IsControl(r rune) bool {
	switch {
	case r == '\t' || r == '\n' || r == '\r':
		return false
	case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0:
		return true
	}
	return false
}

// IsBidiControl reports the Unicode bidirectional formatting characters
// (Unicode Standard Annex #9): the Arabic letter mark, the left-to-right
// and right-to-left marks, the embeddings, overrides and their pop, and
// the isolates.
func IsBidiControl(r rune) bool {
	switch {
	case r == 0x061c, r == 0x200e, r == 0x200f:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

// HasLetterOrDigit reports whether s has a letter or a digit in any script.
// A topic, a content, a reason or a title without one (only emoji, only
// punctuation) says nothing a report or a handbook can keep, and is
// refused like an empty one.
func HasLetterOrDigit(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0
}

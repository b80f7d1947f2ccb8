package vn

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// The degrees of state secrets (Luật Bảo vệ bí mật nhà nước 2018, Điều 8),
// as their stamps read.
const (
	Secret      = "MẬT"
	TopSecret   = "TỐI MẬT"
	UltraSecret = "TUYỆT MẬT"
)

// SecrecyStamp returns the degree of secrecy stamped on a text — Secret,
// TopSecret or UltraSecret — or "" when it carries no stamp. A stamp is
//   - a line that says only the degree: "MẬT", "Tối mật", "TUYET MAT",
//     "(MẬT)", also beside an urgency mark ("MẬT - HỎA TỐC");
//   - or, on a line, the words "độ mật" and then a degree:
//     "Độ mật: Mật", "ĐỘ MẬT: TỐI MẬT" (but not a list of the degrees:
//     "độ mật: mật, tối mật hoặc tuyệt mật" names them).
//
// Case, diacritics and punctuation do not matter, but a word written with
// diacritics must be the right word: "mặt", "mất" or "mát" is not "mật".
// The words inside a sentence are no stamp: "giữ bí mật nhà nước",
// "mật khẩu", "quan hệ mật thiết với nhân dân".
func SecrecyStamp(text string) string {
	for _, line := range strings.FieldsFunc(text, isLineBreak) {
		if d := lineStamp(stampWords(line)); d != "" {
			return d
		}
	}
	return ""
}

// FileNameStamp is SecrecyStamp for a file's name, whose words are split
// by spaces, "_", "-" or dots, the extension left out. A name carries a
// stamp when its words are a stamp line ("MẬT.pdf", "Do mat - Toi mat.pdf"),
// when it has "tối mật" or "tuyệt mật" (with or without marks:
// "TUYET_MAT_NQ01.pdf"), or when it ends in "mật" or "mat", as a stamp
// is added to a name ("NQ-01 MAT.pdf", "nq01_mật.docx") — but not "bí mật"
// ("Luat bao ve bi mat.pdf" names a public law). A bare "mat" elsewhere is
// too often "mặt" ("Mat tran To quoc.pdf") to mean a stamp.
func FileNameStamp(name string) string {
	if i := strings.LastIndexByte(name, '.'); i > 0 && len(name)-i <= 5 {
		name = name[:i]
	}
	w := stampWords(name)
	if d := lineStamp(w); d != "" {
		return d
	}
	for i := 1; i < len(w); i++ {
		if d, n := degreeAt(w, i-1); n == 2 {
			return d
		}
	}
	if n := len(w); n > 1 && isWord(w[n-1], "mật", "mat") && !isWord(w[n-2], "bí", "bi") {
		return Secret
	}
	return ""
}

// lineStamp is the degree stamped on a line of words, "" when none.
func lineStamp(w []string) string {
	// A line that is a degree, with urgency marks before or after it.
	rest := w
	for len(rest) > 0 && urgency(rest[len(rest)-1]) {
		rest = rest[:len(rest)-1]
	}
	for len(rest) > 0 && urgency(rest[0]) {
		rest = rest[1:]
	}
	if d, n := degreeAt(rest, 0); d != "" && n == len(rest) {
		return d
	}
	// "Độ mật" and a degree, not followed by another degree or "hoặc".
	for i := 0; i+1 < len(w); i++ {
		if !isWord(w[i], "độ", "do") || !isWord(w[i+1], "mật", "mat") {
			continue
		}
		d, n := degreeAt(w, i+2)
		if d == "" {
			continue
		}
		if next := i + 2 + n; next < len(w) {
			if d2, _ := degreeAt(w, next); d2 != "" || isWord(w[next], "hoặc", "hoac") || isWord(w[next], "và", "va") || isWord(w[next], "hay", "hay") {
				continue
			}
		}
		return d
	}
	return ""
}

// degreeAt reads a degree starting at w[i]: the degree and how many words
// it took, or "" and 0.
func degreeAt(w []string, i int) (string, int) {
	switch {
	case i >= len(w):
		return "", 0
	case isWord(w[i], "mật", "mat"):
		return Secret, 1
	case i+1 < len(w) && isWord(w[i], "tối", "toi") && isWord(w[i+1], "mật", "mat"):
		return TopSecret, 2
	case i+1 < len(w) && isWord(w[i], "tuyệt", "tuyet") && isWord(w[i+1], "mật", "mat"):
		return UltraSecret, 2
	}
	return "", 0
}

// isWord reports whether a lower-case NFC word is the word whose right
// spelling is marked, or the same written without any mark (plain).
func isWord(w, marked, plain string) bool { return w == marked || w == plain }

// urgency reports the words of the urgency marks that share a stamp's line
// (khẩn, thượng khẩn, hỏa tốc, hẹn giờ).
func urgency(w string) bool {
	switch Fold(w) {
	case "khan", "thuong", "hoa", "toc", "hen", "gio":
		return true
	}
	return false
}

// stampWords splits a line into its words, lower case and composed (NFC),
// so that "MẬT", "mật" and a decomposed "mật" are one word.
func stampWords(s string) []string {
	s = norm.NFC.String(strings.ToLower(norm.NFC.String(s)))
	return strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r)
	})
}

func isLineBreak(r rune) bool {
	return r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029' || r == '\v' || r == '\f'
}

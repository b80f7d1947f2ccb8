package storage

import (
	"strings"
	"unicode"

	"sotay/storage/vn"
)

// Fold is the search folding, vn.Fold: "Kết luận số 21-KL/TW" folds to
// "ket luan so 21-kl/tw". The same Fold is used when the search columns are
// stored and when a query is read, so the two always agree.
func Fold(s string) string { return vn.Fold(s) }

// NumberKey is the letters and digits of a folded document number, the
// form numbers are compared in: "21-KL/TW", "21 KL/TW" and "21kl/tw" all
// give "21kltw". It is stored in documents.number_key, so it must stay vn.Key.
func NumberKey(number string) string { return vn.Key(number) }

func isAlnum(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// kindAbbrevs maps the folded name of a document kind to the letters its
// numbers carry: Kết luận 21-KL/TW.
var kindAbbrevs = []struct{ words, abbrev, kind string }{
	{"nghi quyet", "nq", "nghi_quyet"},
	{"chi thi", "ct", "chi_thi"},
	{"ket luan", "kl", "ket_luan"},
	{"quy dinh", "qd", "quy_dinh"},
	{"quy che", "qc", "quy_che"},
	{"ke hoach", "kh", "ke_hoach"},
	{"huong dan", "hd", "huong_dan"},
	{"thong bao", "tb", "thong_bao"},
	{"cong van", "cv", "cong_van"},
}

// KindFromNumber guesses a document's kind from the letters of its number
// ("21-KL/TW" is a Kết luận); "" when the letters say nothing.
func KindFromNumber(number string) string {
	for _, tok := range searchTokens(number) {
		if hasDigit(tok) {
			continue
		}
		for _, k := range kindAbbrevs {
			if tok == k.abbrev {
				return k.kind
			}
		}
	}
	return ""
}

// ParseDocumentKind reads a kind given as its code ("ket_luan") or its
// Vietnamese name with or without diacritics ("Kết luận", "ket luan").
func ParseDocumentKind(s string) (string, bool) {
	f := Fold(strings.ReplaceAll(s, "_", " "))
	for _, k := range DocumentKinds {
		if f == Fold(strings.ReplaceAll(k.Code, "_", " ")) || f == Fold(k.Name) {
			return k.Code, true
		}
	}
	return "", false
}

// searchTokens splits folded text into runs of letters and digits.
func searchTokens(s string) []string {
	return strings.FieldsFunc(Fold(s), func(r rune) bool { return !isAlnum(r) })
}

func hasDigit(s string) bool {
	for _, r := range s {
		if r >= '0' && r <= '9' {
			return true
		}
	}
	return false
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// splitDigits splits tokens where letters meet digits: "kl21" gives "kl", "21".
func splitDigits(toks []string) []string {
	var out []string
	for _, t := range toks {
		start := 0
		for i := 1; i < len(t); i++ {
			if (t[i] >= '0' && t[i] <= '9') != (t[i-1] >= '0' && t[i-1] <= '9') {
				out = append(out, t[start:i])
				start = i
			}
		}
		out = append(out, t[start:])
	}
	return out
}

// numberCandidates reads the document numbers a query may mean, as number
// key prefixes: "21-KL/TW" and "21 KL/TW" give "21kltw"; "21kl", "kl 21",
// "kết luận 21" and "ket luan so 21" give "21kl" (the kind's name stands for
// its letters, "số" is dropped). fallback is the bare digits, tried when no
// candidate finds anything: "62 hoc tap" finds 62-KH/TU. A query without
// digits names no number.
func numberCandidates(query string) (candidates []string, fallback string) {
	toks := splitDigits(searchTokens(query))
	// Kind names become their letters.
	var norm []string
	for i := 0; i < len(toks); i++ {
		if i+1 < len(toks) {
			pair := toks[i] + " " + toks[i+1]
			found := false
			for _, k := range kindAbbrevs {
				if pair == k.words {
					norm = append(norm, k.abbrev)
					found = true
					break
				}
			}
			if found {
				i++
				continue
			}
		}
		if toks[i] == "so" { // "số 21"
			continue
		}
		norm = append(norm, toks[i])
	}
	first := -1
	for i, t := range norm {
		if isDigits(t) {
			first = i
			break
		}
	}
	if first < 0 {
		return nil, ""
	}
	seen := map[string]bool{}
	add := func(c string) {
		if c != "" && !seen[c] {
			seen[c] = true
			candidates = append(candidates, c)
		}
	}
	if first == 0 {
		add(strings.Join(norm, ""))
	}
	// Letters next to the digits, read as an abbreviation: short, no digits.
	abbrev := func(t string) bool { return !hasDigit(t) && len(t) <= 5 }
	var before, after []string
	for i := first - 1; i >= 0 && abbrev(norm[i]); i-- {
		before = append([]string{norm[i]}, before...)
	}
	for i := first + 1; i < len(norm) && abbrev(norm[i]); i++ {
		after = append(after, norm[i])
	}
	d := norm[first]
	switch {
	case len(after) > 0 && len(before) > 0:
		add(d + strings.Join(after, ""))
		add(d + strings.Join(before, ""))
		add(d + strings.Join(before, "") + strings.Join(after, ""))
	case len(after) > 0:
		add(d + strings.Join(after, ""))
	case len(before) > 0:
		add(d + strings.Join(before, ""))
	default:
		add(d)
	}
	if !seen[d] {
		fallback = d
	}
	return candidates, fallback
}

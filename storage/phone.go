package storage

import "strings"

// NormalizePhone returns a Vietnamese phone number in one normal form,
// "0" followed by 9 digits, so that "+84 912 000 001", "84912000001",
// "0912.000.001" and "912000001" (a number whose leading zero a spreadsheet
// dropped) all compare equal. It returns "" when s is not such a number.
func NormalizePhone(s string) string {
	var b strings.Builder
	for i, r := range strings.TrimSpace(s) {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0:
		case r == ' ' || r == '.' || r == '-' || r == '(' || r == ')' || r == '\u00a0':
		default:
			return ""
		}
	}
	d := b.String()
	switch {
	case len(d) == 11 && strings.HasPrefix(d, "84"):
		d = "0" + d[2:]
	case len(d) == 9 && d[0] != '0':
		d = "0" + d
	}
	if len(d) != 10 || d[0] != '0' || d[1] == '0' {
		return ""
	}
	return d
}

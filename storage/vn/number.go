package vn

import (
	"math"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/number"
)

// Numbers as Vietnamese text writes them, for everything people read
// (the command line's tables and sentences, the periodic report): a dot
// groups the thousands and a comma marks the decimals, "2.793 lượt",
// "95,2 %". Files for programs (CSV) keep plain digits and a decimal dot.
// Codes and numbers that are names (a report's number, a year, a line of
// a file) are not quantities and are written plainly.

// printer writes numbers in Vietnamese style (CLDR's, through
// golang.org/x/text); it keeps no state, so every call may share it.
var printer = message.NewPrinter(language.Vietnamese)

// Integer is any integer type a count comes in.
type Integer interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64
}

// Number writes a count: 7, 870, 2.793, 100.000.
func Number[N Integer](n N) string { return printer.Sprint(number.Decimal(n)) }

// Count writes a count as a report's wording does, with at least two
// digits: 02, 14, 2.793.
func Count[N Integer](n N) string {
	if n >= 0 && n < 10 {
		return "0" + Number(n)
	}
	return Number(n)
}

// Decimal writes x with digits decimals (rounded half away from zero),
// grouped thousands and a decimal comma: Decimal(1234.56, 1) is "1.234,6".
func Decimal(x float64, digits int) string {
	scale := math.Pow(10, float64(digits))
	return printer.Sprint(number.Decimal(math.Round(x*scale)/scale, number.Scale(digits)))
}

// Percent writes a percentage with one decimal, a decimal comma and a
// space before the sign: "95,2 %", "100,0 %".
func Percent(p float64) string { return Decimal(p, 1) + " %" }

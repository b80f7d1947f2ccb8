package vn_test

import (
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"sotay/storage/vn"
)

// folding is a text and what a folding function makes of it.
type folding struct{ name, in, want string }

// testFolding runs the cases of fold (called name in the messages).
func testFolding(t *testing.T, name string, fold func(string) string, tests []folding) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := fold(tt.in); got != tt.want {
				t.Fatalf("%s(%q) = %q, want %q", name, tt.in, got, tt.want)
			}
		})
	}
}

// TestFold holds what search folding accepted before it moved here
// (storage.Fold) and what it must keep doing: stored search columns were
// folded by it.
func TestFold(t *testing.T) {
	testFolding(t, "Fold", vn.Fold, []folding{
		{"Composed", "Kết luận số 21-KL/TW", "ket luan so 21-kl/tw"},
		{"Decomposed", "Ke\u0302\u0301t lua\u0323n", "ket luan"},
		{"DecomposedWhole", norm.NFD.String("Nghị quyết Đại hội Đảng"), "nghi quyet dai hoi dang"},
		{"MarksInOtherOrder", "lua\u0323\u0302n", "luan"},
		{"DStroke", "ĐẢNG ĐOÀN đảng", "dang doan dang"},
		{"EthForD", "Ðảng", "dang"},
		{"SmallEth", "ðảng", "dang"},
		{"SpacesCollapsed", "  nghị\tquyết \n 62 ", "nghi quyet 62"},
		{"NoBreakSpace", "Kết\u00a0luận", "ket luan"},
		{"AsciiUnchanged", "abc 123", "abc 123"},
		{"PunctuationKept", "21-KL/TW (bản sao)", "21-kl/tw (ban sao)"},
		{"AllVowels", "àáảãạ ăằắẳẵặ âầấẩẫậ èéẻẽẹ êềếểễệ ìíỉĩị òóỏõọ ôồốổỗộ ơờớởỡợ ùúủũụ ưừứửữự ỳýỷỹỵ",
			"aaaaa aaaaaa aaaaaa eeeee eeeeee iiiii ooooo oooooo oooooo uuuuu uuuuuu yyyyy"},
		{"UpperVowels", "ÀÁẢÃẠ ƯỪỨỬỮỰ", "aaaaa uuuuuu"},
		{"Empty", "", ""},
		{"OnlySpace", " \t\n", ""},
	})
}

// TestKey holds what the roster's header and value folding accepted before
// it moved here, and the document number keys of search.
func TestKey(t *testing.T) {
	testFolding(t, "Key", vn.Key, []folding{
		{"Header", "Họ và tên", "hovaten"},
		{"HeaderPlain", "ho va ten", "hovaten"},
		{"HeaderUpperUnderscore", "HO_VA_TEN", "hovaten"},
		{"HeaderDoubleSpaces", "Họ  và  tên", "hovaten"},
		{"HeaderDecomposed", norm.NFD.String("Mã đảng viên"), "madangvien"},
		{"HeaderDStroke", "Số điện thoại", "sodienthoai"},
		{"HeaderEth", "Ðân tộc", "dantoc"},
		{"Code", "org_code", "orgcode"},
		{"StatusComposed", "Chính thức", "chinhthuc"},
		{"StatusCode", "chinh_thuc", "chinhthuc"},
		{"StatusProbationary", "dự bị", "dubi"},
		{"GenderFemale", "Nữ", "nu"},
		{"GenderFemaleDecomposed", "Nu\u031b\u0303", "nu"},
		{"KindUpper", "CHI BỘ", "chibo"},
		{"KindBase", "Đảng bộ cơ sở", "dangbocoso"},
		{"Number", "21-KL/TW", "21kltw"},
		{"NumberSpaced", "21 kl / tw", "21kltw"},
		{"NumberDStroke", "102-QĐ/TW", "102qdtw"},
		{"DigitsKept", "Năm sinh 1985", "namsinh1985"},
		{"Invisible", "Mã\u200b đảng\ufeff viên", "madangvien"},
		{"OnlyPunctuation", "--/--", ""},
		{"Empty", "", ""},
	})
}

// TestFoldComposedAndDecomposedAgree checks the promise search makes: the
// NFC and NFD spellings of the same text fold the same.
func TestFoldComposedAndDecomposedAgree(t *testing.T) {
	for _, s := range []string{"Kết luận số 21-KL/TW", "Đảng bộ xã Bình Lục", "Trần Thị Bình, dân tộc Tày", "Quán triệt Nghị quyết"} {
		if c, d := vn.Fold(norm.NFC.String(s)), vn.Fold(norm.NFD.String(s)); c != d {
			t.Errorf("%q: NFC folds to %q, NFD to %q", s, c, d)
		}
		if c, d := vn.Key(norm.NFC.String(s)), vn.Key(norm.NFD.String(s)); c != d {
			t.Errorf("%q: NFC keys to %q, NFD to %q", s, c, d)
		}
	}
}

// FuzzFold: folding never panics, is stable (folding twice changes nothing,
// so stored and queried text agree however often it is applied), ignores
// the normal form, and Key is Fold without the spaces and punctuation.
func FuzzFold(f *testing.F) {
	for _, s := range []string{"Kết luận số 21-KL/TW", "Ke\u0302\u0301t", "ĐẢNG Ðảng", "  a\t b ", "HO_VA_TEN", "\xff\xfe", "İstanbul"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fs := vn.Fold(s)
		if again := vn.Fold(fs); again != fs {
			t.Fatalf("Fold(%q) = %q, but Fold of that is %q", s, fs, again)
		}
		if k := vn.Key(fs); k != vn.Key(s) {
			t.Fatalf("Key(%q) = %q, Key(Fold) = %q", s, vn.Key(s), k)
		}
		if utf8.ValidString(s) {
			if c, d := vn.Fold(norm.NFC.String(s)), vn.Fold(norm.NFD.String(s)); c != d {
				t.Fatalf("%q: NFC folds to %q, NFD to %q", s, c, d)
			}
		}
	})
}

func TestMatch(t *testing.T) {
	for _, tt := range []struct {
		name, text, query string
		want              bool
	}{
		{"WithoutDiacritics", "Chi bộ bản Nà Hiên 1", "na hien", true},
		{"WordsInAnyOrder", "Chi bộ bản Nà Hiên 1", "hien na", true},
		{"DWithoutStroke", "Chi bộ Cơ quan Đảng", "co quan dang", true},
		{"CaseAndSpaces", "Chi bộ bản Nà Hiên 1", "  NÀ   HIÊN ", true},
		{"EveryWordMustOccur", "Chi bộ bản Nà Hiên 1", "na pao", false},
		{"EmptyMatchesAll", "Chi bộ bản Nà Hiên 1", "", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := vn.Match(tt.text, tt.query); got != tt.want {
				t.Fatalf("Match(%q, %q) = %v", tt.text, tt.query, got)
			}
		})
	}
}

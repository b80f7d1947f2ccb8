package demodata

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"sotay/storage"
)

// The demo roster's exact totals, as in the commune's report.
const (
	TotalMembers      = 870
	TotalWomen        = 384
	TotalMinorities   = 285
	TotalProbationary = 21
	ethnicityKinh     = "Kinh"
)

// person is one generated member, kept for the steps that follow.
type person struct {
	storage.MemberInput
	Profile string
	Age     int
}

// namePool gives names of one ethnic group: family names, middle names and
// given names by gender. H'Mông men carry "A" as their middle name, Dao men
// often "Láo" or "Văn", Dao women "Mý" or "Mẩy", most others "Văn" and "Thị".
type namePool struct {
	family                   []string
	middleMale, middleFemale []string
	givenMale, givenFemale   []string
	// weight is the group's share among the commune's minority members
	// who do not live in one of its own bản.
	weight float64
	// villages are the cells of bản where the group lives.
	villages []string
}

var kinhNames = namePool{
	family:       []string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương", "Lý", "Phan", "Đinh", "Hà", "Trịnh"},
	middleMale:   []string{"Văn", "Đức", "Minh", "Quang", "Hữu", "Xuân", "Mạnh", "Tiến", "Công"},
	middleFemale: []string{"Thị", "Thu", "Thanh", "Ngọc", "Hồng", "Thị", "Thùy", "Phương", "Kim"},
	givenMale: []string{"An", "Bình", "Cường", "Dũng", "Hùng", "Hải", "Long", "Nam", "Quân", "Sơn", "Tuấn", "Thắng",
		"Trung", "Việt", "Hiếu", "Khánh", "Lâm", "Phong", "Thành", "Toàn", "Vinh", "Đạt", "Huy", "Kiên"},
	givenFemale: []string{"Hoa", "Lan", "Hương", "Mai", "Hà", "Thảo", "Trang", "Nga", "Yến", "Hạnh", "Linh", "Huyền",
		"Phương", "Dung", "Oanh", "Thủy", "Tâm", "Vân", "Nhung", "Loan", "Hằng", "Giang", "Liên", "Quyên"},
}

var minorityNames = map[string]namePool{
	"Thái": {
		family:       []string{"Lò", "Lường", "Tòng", "Cầm", "Quàng", "Điêu", "Vì", "Hoàng", "Lù"},
		middleMale:   []string{"Văn"},
		middleFemale: []string{"Thị"},
		givenMale:    []string{"Pánh", "Ọn", "Xuân", "Khăm", "Hặc", "Ơn", "Phong", "Tính", "Ngoan", "Thoan", "Chiến", "Dũng", "Sương", "Biên"},
		givenFemale:  []string{"Ín", "Xiêng", "Bua", "Pọm", "Lả", "Ánh", "Ngọc", "Hoa", "Hiên", "Mai", "Ban", "Phương", "Thu", "Lan"},
		weight:       0.34,
		villages:     []string{"CBNAHIEN1", "CBNAHIEN2", "CBNABO1", "CBNABO2", "CBNOONGLUONG1", "CBNOONGLUONG2", "CBNAKHUM1", "CBNAKHUM2", "CBNADONG", "CBNATAM", "CBNAIT", "CBNACANG", "CBNAANG", "CBHUANA", "CBPHIENGCHA"},
	},
	"H'Mông": {
		family:       []string{"Giàng", "Vàng", "Sùng", "Lý", "Thào", "Hầu", "Mùa", "Lầu", "Hạng", "Sình"},
		middleMale:   []string{"A"},
		middleFemale: []string{"Thị"},
		givenMale:    []string{"Páo", "Sử", "Dế", "Chứ", "Lử", "Pó", "Tủa", "Dình", "Sàng", "Chang", "Vư", "Chơ", "Tếnh", "Lồng"},
		givenFemale:  []string{"Mỷ", "Dợ", "Sua", "Pà", "Xá", "Chi", "Dủa", "Nhìa", "Say", "Mai", "Ly", "Mao", "Sinh", "Làu"},
		weight:       0.30,
		villages:     []string{"CBLAOCHAI1", "CBLAOCHAI2", "CBSINCHAI", "CBTAPHIN", "CBSEOSINCHAI", "CBHOPEN", "CBCHUVA", "CBTACHAI", "CBLUNGTHANG", "CBKHUNHA", "CBPAPAO1", "CBPAPAO2"},
	},
	"Dao": {
		family:       []string{"Tẩn", "Lý", "Chảo", "Phàn", "Đặng", "Triệu", "Bàn"},
		middleMale:   []string{"Láo", "Văn", "A", "Kiềm"},
		middleFemale: []string{"Mý", "Mẩy", "Thị"},
		givenMale:    []string{"San", "Lở", "Quẩy", "Phù", "Chàn", "Xoang", "Tả", "Vần", "Sài", "Chiêu", "Phin", "Kao"},
		givenFemale:  []string{"Chiêu", "Sinh", "Lai", "Phin", "Xiểm", "Sành", "Kiều", "Dùn", "Slai", "Mải", "Nhàn", "Ton"},
		weight:       0.17,
		villages:     []string{"CBNGAITHAU", "CBSUOITHAU", "CBNAMDICH", "CBHUABUM", "CBNAMCUNG", "CBPHIENGLOT"},
	},
	"Giáy": {
		family:       []string{"Lò", "Hoàng", "Vương", "Lù", "Lồ", "Sần"},
		middleMale:   []string{"Văn"},
		middleFemale: []string{"Thị"},
		givenMale:    []string{"Phin", "Chòi", "Tuyên", "Lự", "Khánh", "Dùng", "Sinh", "Páo", "Chung"},
		givenFemale:  []string{"Dâu", "Nhinh", "Nhung", "Mai", "Pham", "Hoài", "Dua", "Hạnh", "Chiên"},
		weight:       0.10,
		villages:     []string{"CBPACTA", "CBCOCPHAT1", "CBCOCPHAT2", "CBCOCLUNG", "CBTHAMPHAY"},
	},
	"Tày": {
		family:       []string{"Nông", "Hoàng", "Lương", "Ma", "Hà", "Bế", "Lục"},
		middleMale:   []string{"Văn", "Đình"},
		middleFemale: []string{"Thị"},
		givenMale:    []string{"Tiến", "Thành", "Quý", "Dự", "Chắn", "Khuông", "Nghĩa", "Pảo"},
		givenFemale:  []string{"Hoan", "Thuận", "Nhung", "Liên", "Dịu", "Mến", "Thơm", "Nhàn"},
		weight:       0.05,
		villages:     []string{"CBPHIENGPAT"},
	},
	"Nùng": {
		family:       []string{"Nông", "Hoàng", "Lăng", "Mã", "Chu", "Lục"},
		middleMale:   []string{"Văn"},
		middleFemale: []string{"Thị"},
		givenMale:    []string{"Thịnh", "Khải", "Slấn", "Pằn", "Kiềng", "Hào"},
		givenFemale:  []string{"Thoa", "Vân", "Slao", "Mìn", "Hỏi", "Chiêm"},
		weight:       0.04,
	},
}

// minorityOrder fixes the iteration order of minorityNames.
var minorityOrder = []string{"Thái", "H'Mông", "Dao", "Giáy", "Tày", "Nùng"}

// lowland cells: bản and units whose members are mostly Kinh.
var lowland = map[string]bool{"CBBINHLU1": true, "CBBINHLU2": true, "CBSONBINH1": true, "CBSONBINH2": true, "CBTIENBINH": true, "CBHTXCHE": true}

// Weights of being a woman and of belonging to an ethnic minority, and the
// age range, by who a cell's members are.
var profiles = map[string]struct {
	woman, minority float64
	ageFrom, ageTo  int
}{
	"village": {woman: 1.0, minority: 3.2, ageFrom: 22, ageTo: 78},
	"school":  {woman: 3.2, minority: 0.7, ageFrom: 24, ageTo: 58},
	"police":  {woman: 0.25, minority: 0.8, ageFrom: 23, ageTo: 48},
	"army":    {woman: 0.15, minority: 1.6, ageFrom: 21, ageTo: 52},
	"office":  {woman: 1.3, minority: 1.0, ageFrom: 26, ageTo: 60},
}

// minorityWeight is how likely a member of a cell is to belong to an
// ethnic minority: highland H'Mông and Dao bản almost all, valley bản of the
// Thái, Giáy and Tày often, the lowland bản near the commune centre rarely.
func minorityWeight(cellCode string, def float64) float64 {
	if lowland[cellCode] {
		return 0.3
	}
	for _, g := range minorityOrder {
		for _, v := range minorityNames[g].villages {
			if v != cellCode {
				continue
			}
			if g == "H'Mông" || g == "Dao" {
				return 12
			}
			return 4
		}
	}
	return def
}

// pickExactly chooses exactly n of len(weights) items, each with a chance
// proportional to its weight (Efraimidis–Spirakis weighted sampling), and
// returns a membership mask.
func pickExactly(rnd *rand.Rand, weights []float64, n int) []bool {
	type keyed struct {
		i   int
		key float64
	}
	ks := make([]keyed, len(weights))
	for i, w := range weights {
		if w <= 0 {
			ks[i] = keyed{i, math.Inf(-1)}
			continue
		}
		ks[i] = keyed{i, math.Log(1-rnd.Float64()) / w}
	}
	sort.Slice(ks, func(a, b int) bool { return ks[a].key > ks[b].key })
	out := make([]bool, len(weights))
	for _, k := range ks[:n] {
		out[k.i] = true
	}
	return out
}

func oneOf(rnd *rand.Rand, xs []string) string { return xs[rnd.IntN(len(xs))] }

// fullName makes a plausible name for a member of this group and gender.
func fullName(rnd *rand.Rand, p namePool, woman bool) string {
	if woman {
		return oneOf(rnd, p.family) + " " + oneOf(rnd, p.middleFemale) + " " + oneOf(rnd, p.givenFemale)
	}
	return oneOf(rnd, p.family) + " " + oneOf(rnd, p.middleMale) + " " + oneOf(rnd, p.givenMale)
}

// ethnicGroup picks a minority group for a member of a cell: the bản's own
// group mostly, one of the others sometimes.
func ethnicGroup(rnd *rand.Rand, cellCode string) string {
	for _, g := range minorityOrder {
		for _, v := range minorityNames[g].villages {
			if v == cellCode && rnd.Float64() < 0.85 {
				return g
			}
		}
	}
	x := rnd.Float64()
	for _, g := range minorityOrder {
		x -= minorityNames[g].weight
		if x < 0 {
			return g
		}
	}
	return minorityOrder[0]
}

// createMembers generates the roster and imports it in one statement.
func createMembers(ctx context.Context, d *Demo) error {
	var slots []person
	for _, o := range demoOrgs {
		for range o.Size {
			slots = append(slots, person{MemberInput: storage.MemberInput{OrgCode: o.Code}, Profile: o.Profile})
		}
	}
	if len(slots) != TotalMembers {
		return fmt.Errorf("the organisation table holds %d members, want %d", len(slots), TotalMembers)
	}
	rnd := d.Rnd
	wWoman := make([]float64, len(slots))
	wMinority := make([]float64, len(slots))
	for i, p := range slots {
		pr := profiles[p.Profile]
		wWoman[i] = pr.woman
		wMinority[i] = minorityWeight(p.OrgCode, pr.minority)
		slots[i].Age = pr.ageFrom + rnd.IntN(pr.ageTo-pr.ageFrom+1)
	}
	women := pickExactly(rnd, wWoman, TotalWomen)
	minority := pickExactly(rnd, wMinority, TotalMinorities)
	// Probationary members joined within the last year: mostly the young.
	wProb := make([]float64, len(slots))
	for i, p := range slots {
		if p.Age <= 40 {
			wProb[i] = float64((41 - p.Age) * (41 - p.Age))
		}
	}
	prob := pickExactly(rnd, wProb, TotalProbationary)

	year := d.Now.Year()
	phones := map[string]bool{}
	prefixes := []string{"091", "094", "097", "098", "096", "093", "092"}
	namesInCell := map[string]bool{}
	for i := range slots {
		p := &slots[i]
		p.Line = i + 2
		p.Code = fmt.Sprintf("DV%04d", i+1)
		p.Gender = storage.GenderMale
		if women[i] {
			p.Gender = storage.GenderFemale
		}
		pool := kinhNames
		p.Ethnicity = ethnicityKinh
		if minority[i] {
			p.Ethnicity = ethnicGroup(rnd, p.OrgCode)
			pool = minorityNames[p.Ethnicity]
		}
		for try := 0; ; try++ {
			p.FullName = fullName(rnd, pool, women[i])
			if !namesInCell[p.OrgCode+"|"+p.FullName] || try > 20 {
				break
			}
		}
		namesInCell[p.OrgCode+"|"+p.FullName] = true
		p.BirthYear = year - p.Age
		p.Status = storage.StatusOfficial
		if prob[i] {
			p.Status = storage.StatusProbationary
		}
		for {
			ph := oneOf(rnd, prefixes) + fmt.Sprintf("%07d", rnd.IntN(10_000_000))
			if !phones[ph] {
				phones[ph] = true
				p.Phone = ph
				break
			}
		}
	}
	rows := make([]storage.MemberInput, len(slots))
	for i, p := range slots {
		rows[i] = p.MemberInput
	}
	rep, err := d.S.ImportMembers(ctx, rows, nil, storage.ImportOptions{Actor: Actor})
	if err != nil {
		return err
	}
	if rep.Rejected > 0 {
		return fmt.Errorf("%d members rejected: %+v", rep.Rejected, rep.Rows)
	}
	d.people = slots
	d.Members = d.Members[:0]
	for _, p := range slots {
		d.Members = append(d.Members, p.Code)
	}
	return nil
}

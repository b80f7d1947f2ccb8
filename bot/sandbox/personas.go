package sandbox

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"sotay/bot/telegramtest"
	"sotay/storage"
	"sotay/storage/demodata"
)

// The personas the page can play: the demo's role holders and members,
// and how a request names one.

// Persona is a member the page can play.
type Persona struct {
	Code      string `json:"code"`
	Name      string `json:"name"`
	Org       string `json:"org"`
	OrgName   string `json:"orgName"`
	Gender    string `json:"gender"`
	Role      string `json:"role"`      // admin, officer, secretary or member
	RoleLabel string `json:"roleLabel"` // "Bí thư · Chi bộ bản Nà Hiên 1"
	Phone     string `json:"phone"`
	UserID    int64  `json:"userId"`
	Linked    bool   `json:"linked"`
}

func persona(m storage.Member, role, roleOrg string) Persona {
	p := Persona{
		Code: m.Code, Name: m.FullName, Org: m.OrgCode, OrgName: m.OrgName, Gender: m.Gender,
		Role: "member", RoleLabel: "Đảng viên", Phone: m.Phone, UserID: UserID(m.ID),
	}
	p.Linked = m.TelegramUserID != nil && *m.TelegramUserID == p.UserID
	if role != "" {
		p.Role = role
		p.RoleLabel = storage.RoleName(role) + " · " + roleOrg
	}
	return p
}

// Org is an organisation in the persona picker.
type Org struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	Kind   string `json:"kind"`
	Parent string `json:"parent"`
	Depth  int    `json:"depth"`
}

// personas answers the picker: the role holders and the organisations.
func (s *Sandbox) personas(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	ps, err := demodata.Personas(ctx, s.store)
	if err != nil {
		s.fail(w, err)
		return
	}
	orgs, err := s.store.Organisations(ctx)
	if err != nil {
		s.fail(w, err)
		return
	}
	out := struct {
		Personas []Persona `json:"personas"`
		Orgs     []Org     `json:"orgs"`
		// Hints say what each role may do, from the bot's handler list.
		Hints map[string]string `json:"hints"`
	}{Personas: []Persona{}, Orgs: []Org{}, Hints: s.hints}
	for _, p := range ps {
		out.Personas = append(out.Personas, persona(p.Member, p.Role, p.RoleOrgName))
	}
	depth := map[string]int{}
	for _, o := range orgs {
		d := 0
		if o.ParentCode != "" {
			d = depth[o.ParentCode] + 1
		}
		depth[o.Code] = d
		out.Orgs = append(out.Orgs, Org{Code: o.Code, Name: o.Name, Kind: string(o.Kind), Parent: o.ParentCode, Depth: d})
	}
	writeJSON(w, http.StatusOK, out)
}

// roleOf returns each role holder's strongest role, by member code.
func (s *Sandbox) roleOf(ctx context.Context) (map[string]demodata.Persona, error) {
	ps, err := demodata.Personas(ctx, s.store)
	if err != nil {
		return nil, err
	}
	out := map[string]demodata.Persona{}
	for _, p := range ps {
		if _, ok := out[p.Code]; !ok {
			out[p.Code] = p
		}
	}
	return out, nil
}

// members lists the active members of one organisation and those below it.
func (s *Sandbox) members(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	code := r.URL.Query().Get("org")
	o, err := s.store.Organisation(ctx, code)
	if errors.Is(err, storage.ErrNotFound) {
		writeError(w, http.StatusNotFound, fmt.Sprintf("Không có tổ chức mã %q.", code))
		return
	}
	if err != nil {
		s.fail(w, err)
		return
	}
	ms, err := s.store.MembersInSubtree(ctx, o.ID)
	if err != nil {
		s.fail(w, err)
		return
	}
	roles, err := s.roleOf(ctx)
	if err != nil {
		s.fail(w, err)
		return
	}
	out := struct {
		Members []Persona `json:"members"`
	}{Members: []Persona{}}
	for _, m := range ms {
		rp := roles[m.Code]
		out.Members = append(out.Members, persona(m, rp.Role, rp.RoleOrgName))
	}
	writeJSON(w, http.StatusOK, out)
}

// lookup finds the persona a request names with "member".
func (s *Sandbox) lookup(w http.ResponseWriter, r *http.Request, code string) (Persona, storage.Member, bool) {
	ctx := r.Context()
	code = strings.TrimSpace(code)
	if code == "" {
		writeError(w, http.StatusBadRequest, "Chưa chọn vai: hãy chọn một đảng viên để trò chuyện với bot.")
		return Persona{}, storage.Member{}, false
	}
	m, err := s.store.Member(ctx, code)
	if errors.Is(err, storage.ErrNotFound) {
		writeError(w, http.StatusNotFound, fmt.Sprintf("Không có đảng viên mã %q: hãy chọn lại vai.", code))
		return Persona{}, storage.Member{}, false
	}
	if err != nil {
		s.fail(w, err)
		return Persona{}, storage.Member{}, false
	}
	if !m.Active {
		writeError(w, http.StatusConflict, fmt.Sprintf("Đảng viên %s không còn sinh hoạt: hãy chọn vai khác.", code))
		return Persona{}, storage.Member{}, false
	}
	roles, err := s.roleOf(ctx)
	if err != nil {
		s.fail(w, err)
		return Persona{}, storage.Member{}, false
	}
	rp := roles[m.Code]
	return persona(m, rp.Role, rp.RoleOrgName), m, true
}

// user is the simulated Telegram user of a persona.
func (s *Sandbox) user(p Persona) *telegramtest.User {
	first := p.Name
	if i := strings.LastIndexByte(first, ' '); i >= 0 {
		first = first[i+1:]
	}
	return s.tg.User(p.UserID, first)
}

func (s *Sandbox) persona(w http.ResponseWriter, r *http.Request) {
	p, _, ok := s.lookup(w, r, r.URL.Query().Get("member"))
	if ok {
		writeJSON(w, http.StatusOK, p)
	}
}

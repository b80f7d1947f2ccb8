package storagetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"sotay/storage"
)

// StatsCommune is the small commune the officer figures are checked on,
// built through the storage API on a clock that walks from September to
// December 2026 (Asia/Ho_Chi_Minh):
//
//	ROOT Đảng bộ xã
//	├── CB3 Chi bộ bản Pà Pao, renamed Chi bộ bản Nậm Đích on 05/11   C1, C2; A2 from 01/11; D1 from 18/10
//	├── CB5 Chi bộ Tân Lập, founded 01/11                            E1
//	└── DB1 Đảng bộ Trường học
//	    ├── CB2 Chi bộ Mầm non     B1
//	    ├── CB4 Chi bộ Thôn cũ     D1 until 18/10; dissolved 20/10
//	    └── CB1 Chi bộ Tiểu học    A1, A2 until 01/11
//
// Meetings (present/total): September CB1 2/2, CB2 1/1, CB3 1/2, CB4 1/1
// regular and CB3 2/2 thematic; October CB1 1/2 corrected to 2/2, CB3 1/2
// (CB2 reported 30/10 0/1 and corrected it to 11/11 1/1); November CB1 2/2,
// CB2 1/1, CB3 1/2, CB5 1/1 regular and CB1 2/2 thematic.
//
// Supervision (orgs, members, violations): ROOT committee inspection 05/08
// (3, 2, 0), inspection 10/09 (2, 1, 1), supervision 10/10 (4, 0, 0); ROOT
// commission inspection 15/10 (3, 2, 0) corrected to (3, 4, 1); DB1
// supervision 01/11 (2, 3, 0); CB4 inspection 01/10 (0, 1, 0); CB1
// inspection 01/12 (1, 1, 0).
//
// Study: document 21-KL/TW pushed to ROOT on 15/10 (A1 studied, A2
// offline, B1 read, C1 studied, C2 unreachable, D1 in CB4 studied);
// document 62-KH/TU pushed on 10/11 (A1 studied, A2 in CB3 studied, B1
// delivered, C1 studied, C2 pending, D1 in CB3 offline, E1 studied).
//
// Its clock is left at 01/12/2026 10:00.
type StatsCommune struct {
	S    *storage.Storage
	DSN  string
	Orgs map[string]int64
	Docs map[string]int64
	Loc  *time.Location
	// Now is the storage's clock; tests may move it.
	Now *time.Time
}

// NewStatsCommune builds StatsCommune on a fresh database.
func NewStatsCommune(t testing.TB) StatsCommune {
	t.Helper()
	ctx := context.Background()
	loc := Local
	now := time.Date(2026, 9, 1, 8, 0, 0, 0, loc)
	c := StatsCommune{Orgs: map[string]int64{}, Docs: map[string]int64{}, Loc: loc, Now: &now, DSN: NewDatabase(t)}
	db, err := sqlx.Open("postgres", c.DSN)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	c.S = storage.New(db, storage.WithClock(func() time.Time { return *c.Now }))
	s := c.S
	at := func(d, m int) time.Time { return time.Date(2026, time.Month(m), d, 9, 0, 0, 0, loc) }
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	MustImport(t, s, []storage.OrgInput{
		{Line: 2, Code: "ROOT", Name: "Đảng bộ xã", Kind: storage.KindDangBo},
		{Line: 3, Code: "DB1", Name: "Đảng bộ Trường học", Kind: storage.KindDangBo, ParentCode: "ROOT"},
		{Line: 4, Code: "CB1", Name: "Chi bộ Tiểu học", Kind: storage.KindChiBo, ParentCode: "DB1"},
		{Line: 5, Code: "CB2", Name: "Chi bộ Mầm non", Kind: storage.KindChiBo, ParentCode: "DB1"},
		{Line: 6, Code: "CB4", Name: "Chi bộ Thôn cũ", Kind: storage.KindChiBo, ParentCode: "DB1"},
		{Line: 7, Code: "CB3", Name: "Chi bộ bản Pà Pao", Kind: storage.KindChiBo, ParentCode: "ROOT"},
	}, []storage.MemberInput{
		{Line: 2, Code: "A1", FullName: "Lò Văn An", OrgCode: "CB1"},
		{Line: 3, Code: "A2", FullName: "Lò Thị Bình", OrgCode: "CB1"},
		{Line: 4, Code: "B1", FullName: "Giàng A Cử", OrgCode: "CB2"},
		{Line: 5, Code: "C1", FullName: "Vàng Thị Dung", OrgCode: "CB3"},
		{Line: 6, Code: "C2", FullName: "Sùng A Páo", OrgCode: "CB3"},
		{Line: 7, Code: "D1", FullName: "Hà Văn Đức", OrgCode: "CB4"},
	})
	org := func(code string) int64 {
		o, err := s.Organisation(ctx, code)
		must(err)
		c.Orgs[code] = o.ID
		return o.ID
	}
	for _, code := range []string{"ROOT", "DB1", "CB1", "CB2", "CB3", "CB4"} {
		org(code)
	}
	for i, number := range []string{"21-KL/TW", "62-KH/TU"} {
		var id int64
		must(s.DB().Get(&id, `INSERT INTO documents (kind, number, issuer, issued_on, title, summary, status, number_key)
			VALUES ('ket_luan', $1, 'Bộ Chính trị', '2021-10-25', $2, 'Tóm tắt', 'published', $3) RETURNING id`,
			number, fmt.Sprintf("Văn bản số %d", i+1), storage.NumberKey(number)))
		c.Docs[number] = id
	}
	meeting := func(code, kind string, d, m, present, total int) storage.MeetingReport {
		t.Helper()
		*c.Now = at(d, m).Add(2 * time.Hour)
		r, err := s.SaveMeetingReport(ctx, storage.MeetingInput{OrgID: c.Orgs[code], Kind: kind, HeldOn: time.Date(2026, time.Month(m), d, 0, 0, 0, 0, time.UTC),
			Present: present, Total: total, Topic: "Sinh hoạt"})
		must(err)
		return r
	}
	supervision := func(code, body, kind string, d, m, orgs, members, viol int) storage.SupervisionReport {
		t.Helper()
		*c.Now = at(d, m).Add(2 * time.Hour)
		r, err := s.SaveSupervisionReport(ctx, storage.SupervisionInput{OrgID: c.Orgs[code], Body: body, Kind: kind,
			HeldOn: time.Date(2026, time.Month(m), d, 0, 0, 0, 0, time.UTC), OrgsExamined: orgs, MembersExamined: members, Violations: viol, Content: "Nội dung"})
		must(err)
		return r
	}
	set := func(campaign int64, code, state string) {
		t.Helper()
		var id int64
		must(s.DB().Get(&id, `SELECT a.id FROM assignments a JOIN members m ON m.id = a.member_id WHERE a.campaign_id = $1 AND m.code = $2`, campaign, code))
		must(s.RecordAssignmentState(ctx, id, state, "", *c.Now))
	}
	push := func(doc string) int64 {
		t.Helper()
		camp, err := s.CreateCampaign(ctx, storage.CampaignInput{DocumentID: c.Docs[doc], OrgIDs: []int64{c.Orgs["ROOT"]}, Actor: "test",
			Message: func(d storage.Document, _ storage.Campaign, id int64) (string, any) { return d.Number, nil }})
		must(err)
		return camp.ID
	}
	const reg, them = storage.MeetingRegular, storage.MeetingTopical
	const com, ubkt = storage.BodyCommittee, storage.BodyCommission
	const insp, sup = storage.SupervisionInspection, storage.SupervisionMonitoring

	supervision("ROOT", com, insp, 5, 8, 3, 2, 0)
	meeting("CB1", reg, 10, 9, 2, 2)
	meeting("CB2", reg, 12, 9, 1, 1)
	meeting("CB3", reg, 15, 9, 1, 2)
	meeting("CB4", reg, 20, 9, 1, 1)
	meeting("CB3", them, 25, 9, 2, 2)
	supervision("ROOT", com, insp, 10, 9, 2, 1, 1)

	supervision("CB4", com, insp, 1, 10, 0, 1, 0)
	oct := meeting("CB1", reg, 10, 10, 1, 2)
	supervision("ROOT", com, sup, 10, 10, 4, 0, 0)
	meeting("CB3", reg, 14, 10, 1, 2)
	commission := supervision("ROOT", ubkt, insp, 15, 10, 3, 2, 0)
	*c.Now = at(15, 10).Add(5 * time.Hour)
	c1 := push("21-KL/TW")
	for code, state := range map[string]string{"A1": storage.AssignStudied, "A2": storage.AssignStudiedOffline, "B1": storage.AssignRead,
		"C1": storage.AssignStudied, "C2": storage.AssignUnreachable, "D1": storage.AssignStudied} {
		set(c1, code, state)
	}
	*c.Now = at(18, 10)
	must(s.MoveMember(ctx, "D1", "CB3", "test"))
	*c.Now = at(20, 10)
	must(s.DissolveOrganisation(ctx, "CB4", "test"))
	*c.Now = at(21, 10)
	_, err = s.SaveMeetingReport(ctx, storage.MeetingInput{ReportID: oct.ID, Change: storage.ChangeCorrected, OrgID: c.Orgs["CB1"], Kind: reg,
		HeldOn: time.Date(2026, 10, 10, 0, 0, 0, 0, time.UTC), Present: 2, Total: 2, Topic: "Sinh hoạt"})
	must(err)
	_, err = s.SaveSupervisionReport(ctx, storage.SupervisionInput{ReportID: commission.ID, OrgID: c.Orgs["ROOT"], Body: ubkt, Kind: insp,
		HeldOn: time.Date(2026, 10, 15, 0, 0, 0, 0, time.UTC), OrgsExamined: 3, MembersExamined: 4, Violations: 1, Content: "Nội dung"})
	must(err)
	late := meeting("CB2", reg, 30, 10, 0, 1)

	*c.Now = at(1, 11)
	founded := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	MustImport(t, s, []storage.OrgInput{{Line: 2, Code: "CB5", Name: "Chi bộ Tân Lập", Kind: storage.KindChiBo, ParentCode: "ROOT", FoundedOn: &founded}},
		[]storage.MemberInput{{Line: 2, Code: "E1", FullName: "Lường Văn Ên", OrgCode: "CB5"}})
	org("CB5")
	must(s.MoveMember(ctx, "A2", "CB3", "test"))
	supervision("DB1", com, sup, 1, 11, 2, 3, 0)
	*c.Now = at(5, 11)
	must(s.RenameOrganisation(ctx, "CB3", "Chi bộ bản Nậm Đích", "test"))
	meeting("CB1", reg, 10, 11, 2, 2)
	*c.Now = at(10, 11).Add(5 * time.Hour)
	c2 := push("62-KH/TU")
	for code, state := range map[string]string{"A1": storage.AssignStudied, "A2": storage.AssignStudied, "B1": storage.AssignDelivered,
		"C1": storage.AssignStudied, "D1": storage.AssignStudiedOffline, "E1": storage.AssignStudied} {
		set(c2, code, state)
	}
	*c.Now = at(11, 11).Add(3 * time.Hour)
	_, err = s.SaveMeetingReport(ctx, storage.MeetingInput{ReportID: late.ID, Change: storage.ChangeCorrected, OrgID: c.Orgs["CB2"], Kind: reg,
		HeldOn: time.Date(2026, 11, 11, 0, 0, 0, 0, time.UTC), Present: 1, Total: 1, Topic: "Sinh hoạt"})
	must(err)
	meeting("CB3", reg, 12, 11, 1, 2)
	meeting("CB5", reg, 20, 11, 1, 1)
	meeting("CB1", them, 25, 11, 2, 2)
	supervision("CB1", com, insp, 1, 12, 1, 1, 0)
	*c.Now = time.Date(2026, 12, 1, 10, 0, 0, 0, loc)
	return c
}

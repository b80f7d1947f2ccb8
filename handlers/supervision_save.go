// Storing a supervision report: the last checks (the body an organisation
// has, counts no larger than the organisation), storing, and the
// confirmation with "Sửa".

package handlers

import (
	"context"
	"fmt"

	"sotay/handlers/chat"
	"sotay/storage"
)

// checkBody refuses the inspection commission for a cell.
func (h *Handlers) checkBody(ctx context.Context, r *chat.Request, d supervisionDraft) error {
	if d.Body != storage.BodyCommission || d.Org == 0 {
		return nil
	}
	o, err := r.Store.OrganisationByID(ctx, d.Org)
	if err != nil {
		return err
	}
	if o.Kind != storage.KindDangBo {
		return storage.Errorf(storage.CodeInvalid, "UBKT: %s là chi bộ, không có Ủy ban Kiểm tra; chỉ đảng bộ mới có. Đồng chí bỏ chữ UBKT đi.", o.Name)
	}
	return nil
}

// checkExamined refuses counts larger than the organisation: more
// organisations or members examined than it has.
func (h *Handlers) checkExamined(ctx context.Context, r *chat.Request, d supervisionDraft) error {
	if d.Org == 0 {
		return nil
	}
	o, err := r.Store.OrganisationByID(ctx, d.Org)
	if err != nil {
		return err
	}
	orgs, members, err := r.Store.SubtreeSize(ctx, d.Org)
	if err != nil {
		return err
	}
	// A cell examines its party groups (tổ đảng), which are not in the tree.
	maxOrgs := orgs
	if o.Kind == storage.KindChiBo {
		maxOrgs = max(orgs, 20)
	}
	if d.HasOrgs && d.Orgs > maxOrgs {
		return storage.Errorf(storage.CodeInvalid, "Số tổ chức (%d) nhiều hơn số tổ chức đảng của %s (%d): đồng chí kiểm tra lại, ví dụ «2 tổ chức».", d.Orgs, o.Name, maxOrgs)
	}
	if d.HasMembers && d.Members > members {
		return storage.Errorf(storage.CodeInvalid, "Số đảng viên (%d) nhiều hơn số đảng viên của %s (%d): đồng chí kiểm tra lại, ví dụ «5 đảng viên».", d.Members, o.Name, members)
	}
	return nil
}

// saveSupervision checks a complete draft once more and stores it.
func (h *Handlers) saveSupervision(ctx context.Context, r *chat.Request, d supervisionDraft) (storage.SupervisionReport, error) {
	var rep storage.SupervisionReport
	day, err := h.savedDay(ctx, r, d.Org, d.Date, "Ngày")
	if err != nil {
		return rep, err
	}
	if err := h.checkBody(ctx, r, d); err != nil {
		return rep, err
	}
	if err := h.checkExamined(ctx, r, d); err != nil {
		return rep, err
	}
	acted, _, err := r.ActedAt(ctx)
	if err != nil {
		return rep, err
	}
	return r.Store.SaveSupervisionReport(ctx, storage.SupervisionInput{ReportID: d.ReportID, Acted: acted, OrgID: d.Org, Body: d.Body, Kind: d.Kind,
		HeldOn: day, OrgsExamined: d.Orgs, MembersExamined: d.Members, Violations: d.Violations, Content: d.Content, Measures: d.Measures, By: r.Member.ID})
}

// supervisionSend is "Gửi" on the summary.
func (h *Handlers) supervisionSend(ctx context.Context, c *supervisionConv, _ chat.Args) error {
	acted, received, err := c.ActedAt(ctx)
	if err != nil {
		return err
	}
	return sendReport(ctx, c, h.saveSupervision, func(rep storage.SupervisionReport) (string, *chat.Markup) {
		text, kb := supervisionConfirmation(rep)
		return text + recordedLine(acted, received, rep.ReportedAt, h.deps.Location), kb
	})
}

func supervisionConfirmation(rep storage.SupervisionReport) (string, *chat.Markup) {
	text := fmt.Sprintf("✅ Đã lưu báo cáo %s số %d%s:\n%s", storage.SupervisionKindName(rep.Kind), rep.ID, versionNote(rep.Version, rep.Change),
		supervisionLines(rep.OrgName, rep.Body, rep.Kind, rep.HeldOn, rep.OrgsExamined, rep.MembersExamined, rep.Violations, rep.Content, rep.Measures))
	kb := chat.NewMarkup(chat.NewRow(editButton(rtSupervision, rep.ID)))
	return text, &kb
}

func supervisionDraftOf(s storage.SupervisionReport) supervisionDraft {
	return supervisionDraft{ReportID: s.ID, Org: s.OrgID, Date: isoDay(s.HeldOn), Body: s.Body, BodyAsked: true, Kind: s.Kind,
		Orgs: s.OrgsExamined, HasOrgs: true, Members: s.MembersExamined, HasMembers: true, Content: s.Content,
		Violations: s.Violations, HasConclusion: true, Measures: s.Measures, MeasuresAsked: true}
}

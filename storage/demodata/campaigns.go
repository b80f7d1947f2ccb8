package demodata

import (
	"context"
	"fmt"
	"time"

	"sotay/storage"
)

// pastCampaign is a push of the demo's history: which document, to whom,
// how many days ago, and how far study got in an average cell.
type pastCampaign struct {
	Number     string
	Committees bool // to the base committees only; otherwise the whole commune
	DaysAgo    int
	DueIn      int // days after the push
	Studied    float64
}

var pastCampaigns = []pastCampaign{
	{Number: "21-KL/TW", DaysAgo: 150, DueIn: 30, Studied: 0.95},
	{Number: "01-KL/TW", DaysAgo: 90, DueIn: 30, Studied: 0.93},
	{Number: "62-KH/TU", Committees: true, DaysAgo: 12, DueIn: 30, Studied: 0.6},
}

// createCampaigns adds a few months of pushes with study records, so that
// participation figures have something to show. Cells differ: a remote
// cell studies less online and more at its meeting.
func createCampaigns(ctx context.Context, d *Demo) error {
	orgs, err := d.S.Organisations(ctx)
	if err != nil {
		return err
	}
	byID := map[int64]storage.Organisation{}
	var root int64
	var committees []int64
	for _, o := range orgs {
		byID[o.ID] = o
		if o.Code == RootCode {
			root = o.ID
		}
		if o.Kind == storage.KindDangBo && o.ParentCode == RootCode {
			committees = append(committees, o.ID)
		}
	}
	// Each cell's own diligence, the same for every campaign.
	diligence := map[int64]float64{}
	offline := map[int64]float64{}
	for _, o := range orgs {
		diligence[o.ID] = 0.85 + 0.3*d.Rnd.Float64()
		offline[o.ID] = 0.05 + 0.3*d.Rnd.Float64()
	}
	for _, pc := range pastCampaigns {
		docs, err := d.S.DocumentsNumbered(ctx, pc.Number)
		if err != nil || len(docs) == 0 {
			return fmt.Errorf("campaign of %s: document not found (%v)", pc.Number, err)
		}
		pushed := d.Now.AddDate(0, 0, -pc.DaysAgo)
		d.SetClock(pushed)
		due := pushed.AddDate(0, 0, pc.DueIn)
		targets := []int64{root}
		if pc.Committees {
			targets = committees
		}
		c, err := d.S.CreateCampaign(ctx, storage.CampaignInput{
			DocumentID: docs[0].ID, OrgIDs: targets, DueOn: &due, Actor: Actor,
			Message: func(doc storage.Document, _ storage.Campaign, _ int64) (string, any) { return doc.Title, nil },
		})
		if err != nil {
			return fmt.Errorf("campaign of %s: %w", pc.Number, err)
		}
		as, err := d.S.AssignmentsOfCampaign(ctx, c.ID)
		if err != nil {
			return err
		}
		for _, a := range as {
			state, reason := history(d, pc.Studied*diligence[a.OrgID], offline[a.OrgID])
			at := pushed.Add(time.Duration(d.Rnd.IntN(int(d.Now.Sub(pushed).Minutes()))+1) * time.Minute)
			if err := d.S.RecordAssignmentState(ctx, a.ID, state, reason, at); err != nil {
				return err
			}
		}
	}
	return nil
}

// history draws one member's state: studied (online or at the meeting)
// with probability p, otherwise read, delivered or unreachable.
func history(d *Demo, p, offlineShare float64) (state, reason string) {
	x := d.Rnd.Float64()
	switch {
	case x < p*(1-offlineShare):
		return storage.AssignStudied, ""
	case x < p:
		return storage.AssignStudiedOffline, ""
	case x < p+(1-p)*0.5:
		return storage.AssignRead, ""
	case x < p+(1-p)*0.8:
		return storage.AssignDelivered, ""
	}
	return storage.AssignUnreachable, "chưa liên kết Telegram"
}

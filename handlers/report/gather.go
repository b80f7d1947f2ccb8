package report

import (
	"context"
	"time"

	"sotay/storage"
)

// Gather collects the summary of the days [from, to] under root and, when
// all is true, every topic for the workbook: study over the campaigns
// created in the period and who has not studied, meetings for each month
// counted, supervision. now is the asker's local time.
func Gather(ctx context.Context, s *storage.Storage, root storage.Organisation, from, to, now time.Time, all bool) (Workbook, error) {
	var w Workbook
	sum, err := s.PeriodSummary(ctx, from, to, root.ID)
	if err != nil {
		return w, err
	}
	w.Summary = SummaryParagraphs(sum, root.ParentID == nil, now)
	if !all {
		return w, nil
	}
	f := PeriodFilter(from, to, now.Location())
	if w.Study, err = s.StudyFigures(ctx, f, root.ID); err != nil {
		return w, err
	}
	if w.Study[0].Total.Assigned == 0 {
		w.Study = nil
	}
	if w.Laggards, err = s.Laggards(ctx, f, root.ID); err != nil {
		return w, err
	}
	for _, m := range sum.Months {
		rows, err := s.MeetingStats(ctx, m, root.ID)
		if err != nil {
			return w, err
		}
		w.Meetings = append(w.Meetings, MonthMeetings{Month: m, Rows: rows})
	}
	if w.Supervision, err = s.SupervisionStats(ctx, from, to, root.ID); err != nil {
		return w, err
	}
	return w, nil
}

// PeriodFilter picks the campaigns created on the days [from, to] in loc.
func PeriodFilter(from, to time.Time, loc *time.Location) storage.StudyFilter {
	return storage.StudyFilter{
		From: time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, loc),
		To:   time.Date(to.Year(), to.Month(), to.Day()+1, 0, 0, 0, 0, loc),
	}
}

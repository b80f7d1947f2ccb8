package storage

import (
	"context"
	"fmt"
	"strings"
)

// Documents studied at a meeting: a version of a meeting report names the
// campaigns (each a document pushed to the cell) studied at it. Once the
// secretary confirms, the members it records present who have not studied
// are ticked studied_offline for the meeting's day, through the offline
// study of offline.go (TickStudiedAtMeeting).

// MeetingDocument is a campaign studied at a meeting, with its document.
type MeetingDocument struct {
	CampaignID int64  `db:"campaign_id"`
	DocNumber  string `db:"doc_number"`
	DocTitle   string `db:"doc_title"`
}

// StudiedHow says how to name the documents studied at a meeting.
const StudiedHow = "đồng chí ghi «học:» rồi số hiệu các văn bản đã học, cách nhau bằng dấu phẩy, ví dụ «học: 21-KL/TW, 62-KH/TU»"

// CheckStudiedIDs is the rule of the campaigns a report names as studied:
// real ids, each once.
func CheckStudiedIDs(ids []int64) error {
	seen := map[int64]bool{}
	for _, id := range ids {
		if id <= 0 || seen[id] {
			return FieldErrorf(FieldStudied, "Danh sách văn bản đã học có một đợt học tập ghi sai hoặc ghi hai lần: đồng chí chọn lại văn bản.")
		}
		seen[id] = true
	}
	return nil
}

// MatchCampaigns are the campaigns of cs whose document number is number:
// written as on the document, or in any case, spacing or punctuation
// (NumberKey); failing that, those whose number begins so ("21-KL" for
// 21-KL/TW). Several mean the secretary must say which.
func MatchCampaigns(cs []OpenCampaign, number string) []OpenCampaign {
	key := NumberKey(number)
	if key == "" {
		return nil
	}
	var same, prefix []OpenCampaign
	for _, c := range cs {
		switch k := NumberKey(c.DocNumber); {
		case k == key:
			same = append(same, c)
		case strings.HasPrefix(k, key):
			prefix = append(prefix, c)
		}
	}
	if len(same) > 0 {
		return same
	}
	return prefix
}

// saveStudied stores the campaigns a version names as studied: each must
// have assigned members of the organisation (or below it).
func (s *Storage) saveStudied(ctx context.Context, reportID int64, version int, orgID int64, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	var ok int
	if err := s.get(ctx, &ok, withSubtree("$1")+`
		SELECT count(*) FROM campaigns c WHERE c.id = ANY($2)
		   AND EXISTS (SELECT 1 FROM assignments a WHERE a.campaign_id = c.id AND a.org_id IN (SELECT id FROM t))`,
		orgID, int64Array(ids)); err != nil {
		return fmt.Errorf("storage: studied at report %d: %w", reportID, err)
	}
	if ok != len(ids) {
		return FieldErrorf(FieldStudied, "Có văn bản đã chọn không được gửi cho chi bộ này để học tập: đồng chí chọn lại trong danh sách văn bản của chi bộ.")
	}
	if _, err := s.exec(ctx, `INSERT INTO meeting_studied (report_id, version, campaign_id) SELECT $1, $2, unnest($3::bigint[])`,
		reportID, version, int64Array(ids)); err != nil {
		return fmt.Errorf("storage: studied at report %d: %w", reportID, err)
	}
	return nil
}

// MeetingStudied is what a version of a meeting report names as studied,
// in the order of the documents' numbers.
func (s *Storage) MeetingStudied(ctx context.Context, reportID int64, version int) ([]MeetingDocument, error) {
	return selectAll[MeetingDocument](ctx, s, fmt.Sprintf("studied at report %d", reportID), `SELECT c.id AS campaign_id, d.number AS doc_number, d.title AS doc_title
		FROM meeting_studied ms JOIN campaigns c ON c.id = ms.campaign_id JOIN documents d ON d.id = c.document_id
		WHERE ms.report_id = $1 AND ms.version = $2 ORDER BY d.number, c.id`, reportID, version)
}

// MeetingTicks is what confirming a meeting's study did for one document.
type MeetingTicks struct {
	DocNumber string
	// Ticked members present were recorded as having studied it at the
	// meeting; Already had studied it before (online or ticked); Unassigned
	// were not assigned it (they joined after the push, say).
	Ticked, Already, Unassigned int
	// Refused says, member by member, why one could not be ticked (the
	// campaign closed, the document withdrawn).
	Refused []string
}

// TickStudiedAtMeeting records, for each document the latest version of a
// meeting report names as studied, that the members it records present
// studied it at the meeting (studied_offline on the meeting's day, by
// MarkStudiedOffline): those who had studied it already are left as they
// are. A count-only report ticks nobody (it names nobody present).
func (s *Storage) TickStudiedAtMeeting(ctx context.Context, reportID int64, by OfflineBy) ([]MeetingTicks, error) {
	m, err := s.MeetingReport(ctx, reportID)
	if err != nil {
		return nil, err
	}
	var present []int64
	for _, a := range m.Attendance {
		if a.Present() {
			present = append(present, a.MemberID)
		}
	}
	var out []MeetingTicks
	for _, doc := range m.Studied {
		t := MeetingTicks{DocNumber: doc.DocNumber}
		var rows []struct {
			ID       int64  `db:"id"`
			MemberID int64  `db:"member_id"`
			FullName string `db:"full_name"`
			State    string `db:"state"`
		}
		if err := s.sel(ctx, &rows, `SELECT DISTINCT ON (a.member_id) a.id, a.member_id, m.full_name, a.state
			FROM assignments a JOIN members m ON m.id = a.member_id
			WHERE a.campaign_id = $1 AND a.member_id = ANY($2)
			ORDER BY a.member_id, (a.state IN ('studied', 'studied_offline')) DESC, a.id`, doc.CampaignID, int64Array(present)); err != nil {
			return nil, fmt.Errorf("storage: tick study of report %d: %w", reportID, err)
		}
		t.Unassigned = len(present) - len(rows)
		for _, r := range rows {
			if r.State == AssignStudied || r.State == AssignStudiedOffline {
				t.Already++
				continue
			}
			changed, err := s.MarkStudiedOffline(ctx, r.ID, by, m.HeldOn)
			switch {
			case IsExpected(err):
				t.Refused = append(t.Refused, r.FullName+": "+strings.TrimSuffix(ErrorMessage(err), "."))
			case err != nil:
				return nil, err
			case changed:
				t.Ticked++
			default:
				t.Already++
			}
		}
		out = append(out, t)
	}
	return out, nil
}

// CheckStudiedNumber is the rule of a document number written as studied
// at a meeting: a document number (CheckDocNumber).
func CheckStudiedNumber(number string) error {
	if err := CheckDocNumber(number); err != nil {
		return FieldErrorf(FieldStudied, "%s %s.", ErrorMessage(err), upperFirst(StudiedHow))
	}
	return nil
}

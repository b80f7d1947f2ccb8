package demodata

import (
	"context"
	"fmt"
	"time"

	"sotay/storage"
)

// The study step: quizzes on two documents, a campaign under way that
// requires the quiz (some members passed it, some after a failed try),
// members ticked by their cell's secretary at the cell meeting, and the
// reminders sent so far.

type demoQuiz struct {
	Number    string
	Questions []storage.QuizQuestion
}

var demoQuizzes = []demoQuiz{
	{Number: "21-KL/TW", Questions: []storage.QuizQuestion{
		{Question: "Kết luận 21-KL/TW là kết luận của hội nghị nào?", Options: []string{"Hội nghị Trung ương 4 khóa XIII", "Hội nghị Trung ương 6 khóa XII", "Đại hội XIII"}, Answer: 0,
			Explanation: "Kết luận 21-KL/TW ngày 25/10/2021 là Kết luận Hội nghị lần thứ tư Ban Chấp hành Trung ương khóa XIII."},
		{Question: "Kết luận yêu cầu mỗi cán bộ, đảng viên làm gì?", Options: []string{"Tự soi, tự sửa", "Chờ cấp trên kiểm tra", "Chỉ học khi được giao"}, Answer: 0,
			Explanation: "Mỗi cán bộ, đảng viên tự soi, tự sửa, liên hệ bản thân và đăng ký việc làm cụ thể."},
		{Question: "Chi bộ cần sinh hoạt như thế nào?", Options: []string{"Đều đặn, có chất lượng", "Khi có việc", "Mỗi quý một lần"}, Answer: 0,
			Explanation: "Chi bộ sinh hoạt đều đặn, nền nếp, nâng cao chất lượng sinh hoạt."},
		{Question: "Kết luận nhấn mạnh tăng cường công tác nào?", Options: []string{"Kiểm tra, giám sát", "Thi đua khen thưởng", "Tuyên truyền du lịch"}, Answer: 0,
			Explanation: "Tăng cường kiểm tra, giám sát, kỷ luật đảng và xử lý nghiêm vi phạm."},
		{Question: "Biểu hiện nào phải kiên quyết ngăn chặn?", Options: []string{"\"Tự diễn biến\", \"tự chuyển hóa\"", "Học tập suốt đời", "Tiết kiệm chi tiêu"}, Answer: 0,
			Explanation: "Kiên quyết ngăn chặn, đẩy lùi suy thoái, \"tự diễn biến\", \"tự chuyển hóa\" trong nội bộ."},
	}},
	{Number: "35-NQ/TW", Questions: []storage.QuizQuestion{
		{Question: "Nghị quyết 35-NQ/TW bàn về nội dung gì?", Options: []string{"Bảo vệ nền tảng tư tưởng của Đảng", "Phát triển nông nghiệp", "Cải cách hành chính"}, Answer: 0,
			Explanation: "Nghị quyết 35-NQ/TW ngày 22/10/2018 về tăng cường bảo vệ nền tảng tư tưởng của Đảng."},
		{Question: "Gặp thông tin xấu độc trên mạng xã hội, đảng viên nên làm gì?", Options: []string{"Chia sẻ ngay cho mọi người", "Tỉnh táo, không chia sẻ, báo chi bộ", "Bình luận tranh cãi"}, Answer: 1,
			Explanation: "Đảng viên tỉnh táo trước thông tin xấu độc, không chia sẻ và báo cho chi bộ."},
		{Question: "Cơ quan nào ban hành Nghị quyết 35-NQ/TW?", Options: []string{"Quốc hội", "Bộ Chính trị", "Chính phủ"}, Answer: 1,
			Explanation: "Nghị quyết 35-NQ/TW do Bộ Chính trị ban hành."},
		{Question: "Đảng viên góp phần bảo vệ nền tảng tư tưởng bằng cách nào?", Options: []string{"Lan tỏa thông tin tích cực", "Im lặng trước sai trái", "Không dùng mạng xã hội"}, Answer: 0,
			Explanation: "Tích cực lan tỏa thông tin tích cực, đấu tranh phản bác quan điểm sai trái."},
	}},
}

// createStudy adds the study history: quizzes, a quiz campaign under
// way, offline ticks and reminders.
func createStudy(ctx context.Context, d *Demo) error {
	d.SetClock(d.Since)
	docs := map[string]storage.Document{}
	for _, q := range demoQuizzes {
		ds, err := d.S.DocumentsNumbered(ctx, q.Number)
		if err != nil || len(ds) == 0 {
			return fmt.Errorf("quiz of %s: document not found (%v)", q.Number, err)
		}
		docs[q.Number] = ds[0]
		if _, err := d.S.SetQuiz(ctx, ds[0].ID, q.Questions, Actor); err != nil {
			return fmt.Errorf("quiz of %s: %w", q.Number, err)
		}
	}
	root, err := d.S.Organisation(ctx, d.RootCode)
	if err != nil {
		return err
	}
	// 35-NQ/TW went to the whole commune six days ago, due in two days,
	// with the quiz required.
	pushed := d.Now.AddDate(0, 0, -6)
	d.SetClock(pushed)
	due := time.Date(d.Now.Year(), d.Now.Month(), d.Now.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, 2)
	c, err := d.S.CreateCampaign(ctx, storage.CampaignInput{
		DocumentID: docs["35-NQ/TW"].ID, OrgIDs: []int64{root.ID}, DueOn: &due, Actor: Actor, QuizRequired: true,
		Message: func(doc storage.Document, _ storage.Campaign, _ int64) (string, any) { return doc.Title, nil },
	})
	if err != nil {
		return fmt.Errorf("quiz campaign: %w", err)
	}
	as, err := d.S.AssignmentsOfCampaign(ctx, c.ID)
	if err != nil {
		return err
	}
	quiz := demoQuizzes[1].Questions
	right := make([]int, len(quiz))
	for i, q := range quiz {
		right[i] = q.Answer
	}
	wrong := append([]int(nil), right...)
	wrong[1], wrong[2] = 0, 0 // 2/4: below the pass mark
	var open []storage.Assignment
	for i, a := range as {
		at := pushed.Add(time.Duration(1+d.Rnd.IntN(5*24*60)) * time.Minute)
		d.SetClock(at)
		switch x := d.Rnd.Float64(); {
		case i < 400 && x < 0.45: // passed at the first try
			if err := takeQuiz(ctx, d, a, right); err != nil {
				return err
			}
		case i < 400 && x < 0.6: // failed, read again, passed
			if err := takeQuiz(ctx, d, a, wrong); err != nil {
				return err
			}
			d.SetClock(at.Add(40 * time.Minute))
			if err := takeQuiz(ctx, d, a, right); err != nil {
				return err
			}
		case x < 0.8:
			if err := d.S.RecordAssignmentState(ctx, a.ID, storage.AssignRead, "", at); err != nil {
				return err
			}
			open = append(open, a)
		case x < 0.95:
			if err := d.S.RecordAssignmentState(ctx, a.ID, storage.AssignDelivered, "", at); err != nil {
				return err
			}
			open = append(open, a)
		}
	}
	// Reminded automatically yesterday (the window opened three days
	// before the deadline): one a member a day. Today's reminders are the
	// running bot's to send (its sweep, a secretary's /nhacnho), so that
	// "already reminded today" always means a message this bot sent.
	for _, a := range open {
		day := d.Now.AddDate(0, 0, -1)
		d.SetClock(time.Date(day.Year(), day.Month(), day.Day(), 7, 5, 0, 0, day.Location()))
		if err := d.S.RecordReminder(ctx, a.MemberID, day, "auto", []int64{a.ID}); err != nil {
			return err
		}
	}
	// At their last meeting, five days ago, the secretaries of the village
	// cells ticked members without Telegram who studied 62-KH/TU there.
	meeting := d.Now.AddDate(0, 0, -5)
	d.SetClock(time.Date(meeting.Year(), meeting.Month(), meeting.Day(), 19, 30, 0, 0, meeting.Location()))
	cs, err := d.S.OpenCampaigns(ctx, []int64{root.ID})
	if err != nil {
		return err
	}
	for _, oc := range cs {
		if oc.DocNumber != "62-KH/TU" {
			continue
		}
		orgs, err := d.S.OfflineOrgs(ctx, oc.ID, []int64{root.ID})
		if err != nil {
			return err
		}
		for _, o := range orgs {
			sec, err := d.S.Member(ctx, d.Secretaries[o.Code])
			if err != nil {
				continue // a cell without a secretary persona
			}
			rows, err := d.S.OfflineCandidates(ctx, oc.ID, o.ID)
			if err != nil {
				return err
			}
			ticked := 0
			for _, r := range rows {
				if !r.Unreachable || ticked == 1 {
					continue
				}
				by := storage.OfflineBy{Actor: "demo:" + sec.Code, MemberID: &sec.ID}
				if _, err := d.S.MarkStudiedOffline(ctx, r.AssignmentID, by, meeting); err != nil {
					return fmt.Errorf("offline tick in %s: %w", o.Code, err)
				}
				ticked++
			}
		}
	}
	return nil
}

// takeQuiz answers the campaign's quiz for the member of a.
func takeQuiz(ctx context.Context, d *Demo, a storage.Assignment, answers []int) error {
	at, _, _, err := d.S.StartQuiz(ctx, a.ID, a.MemberID)
	if err != nil {
		return fmt.Errorf("quiz of assignment %d: %w", a.ID, err)
	}
	for i, c := range answers {
		if _, _, _, err := d.S.AnswerQuiz(ctx, at.ID, a.MemberID, i, c); err != nil {
			return fmt.Errorf("quiz of assignment %d: %w", a.ID, err)
		}
	}
	return nil
}

package bot_test

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sotay/bot"
	"sotay/cmd/sotay/wire"
	"sotay/handlers"
	"sotay/storage"
	"sotay/storage/storagetest"
)

// discard is a Sender that answers every call at once: the benchmark
// measures sotay and PostgreSQL, not an HTTP round trip to Telegram.
type discard struct {
	mu sync.Mutex
	n  int
}

func (d *discard) Send(_ context.Context, c tgbotapi.Chattable) (tgbotapi.Message, error) {
	d.mu.Lock()
	d.n++
	id := d.n
	d.mu.Unlock()
	return tgbotapi.Message{MessageID: id, Chat: &tgbotapi.Chat{ID: 1}}, nil
}

func (d *discard) Request(context.Context, tgbotapi.Chattable) error { return nil }

// timed records how long each update took to handle.
type timed struct {
	h   bot.UpdateHandler
	mu  sync.Mutex
	lat []time.Duration
}

func (t *timed) HandleUpdate(ctx context.Context, u tgbotapi.Update, a bot.Attempt) bot.Outcome {
	start := time.Now()
	o := t.h.HandleUpdate(ctx, u, a)
	d := time.Since(start)
	t.mu.Lock()
	t.lat = append(t.lat, d)
	t.mu.Unlock()
	return o
}

// BenchmarkDispatch1000Users sends, for each of 1,000 linked members, /menu,
// /vanban (the document library) and «✅ Tôi đã học» on a pushed document,
// and for each of the 34 cell secretaries a quick-form meeting report,
// through the real dispatcher and handlers on PostgreSQL.
// Replies go to a sender that answers at once.
//
//	go test -run '^$' -bench Dispatch1000 -benchtime 1x ./bot/
//
// Flat out (rate=max), p50 and p99 are the handling time of an update with
// every worker busy. At a steady offered rate (rate=500: the goal of issue
// 12), they are what a user waits: from the update's arrival to the end of
// its handling, queueing included.
func BenchmarkDispatch1000Users(b *testing.B) {
	// 16 is what sotay serve runs; 4 shows what fewer workers trade.
	for _, workers := range []int{16, 4} {
		for _, rate := range []int{0, 500} {
			name := fmt.Sprintf("workers=%d/rate=%d", workers, rate)
			if rate == 0 {
				name = fmt.Sprintf("workers=%d/rate=max", workers)
			}
			b.Run(name, func(b *testing.B) { benchDispatch(b, workers, rate) })
		}
	}
}

// benchDispatch runs the updates through workers; rate > 0 offers them at
// that many a second and times each from its arrival.
func benchDispatch(b *testing.B, workers, rate int) {
	const n = 1000
	ctx := context.Background()
	for it := 0; it < b.N; it++ {
		b.StopTimer()
		s := storagetest.New(b)
		storage.ConfigurePool(s.DB()) // as sotay serve runs
		orgs := []storage.OrgInput{{Line: 2, Code: "ROOT", Name: "Đảng bộ xã", Kind: storage.KindDangBo}}
		cells := (n + 29) / 30
		for i := 0; i < cells; i++ {
			orgs = append(orgs, storage.OrgInput{Line: i + 3, Code: fmt.Sprintf("CB%02d", i), Name: fmt.Sprintf("Chi bộ %02d", i),
				Kind: storage.KindChiBo, ParentCode: "ROOT"})
		}
		var ms []storage.MemberInput
		for i := 1; i <= n; i++ {
			ms = append(ms, storage.MemberInput{Line: i + 1, Code: fmt.Sprintf("DV%05d", i), FullName: fmt.Sprintf("Đảng viên %d", i),
				OrgCode: fmt.Sprintf("CB%02d", (i-1)/30)})
		}
		storagetest.MustImport(b, s, orgs, ms)
		if _, err := s.DB().Exec(`UPDATE members SET telegram_user_id = substr(code, 3)::bigint, linked_at = now()`); err != nil {
			b.Fatal(err)
		}
		for i := 0; i < cells; i++ {
			storagetest.MustGrant(b, s, fmt.Sprintf("DV%05d", i*30+1), storage.RoleSecretary, fmt.Sprintf("CB%02d", i))
		}
		root, _ := s.Organisation(ctx, "ROOT")
		camp, err := s.CreateCampaign(ctx, storage.CampaignInput{DocumentID: insertDocument(b, s), OrgIDs: []int64{root.ID},
			Actor: "bench", Message: handlers.PushMessage})
		if err != nil {
			b.Fatal(err)
		}
		assignment := storagetest.Pairs[int64, int64](b, s,
			`SELECT m.telegram_user_id AS k, a.id AS v FROM assignments a JOIN members m ON m.id = a.member_id WHERE a.campaign_id = $1`, camp.ID)
		loc, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
		h := handlers.New(handlers.Deps{Store: s, Sender: &discard{}, Log: quietLog(), Now: s.Now, BotUsername: "sotay_bench_bot", Location: loc})
		th := &timed{h: wire.Handlers(h)}

		var updates []tgbotapi.Update
		id := 0
		msg := func(user int64, text string) {
			id++
			updates = append(updates, tgbotapi.Update{UpdateID: id, Message: &tgbotapi.Message{MessageID: id, Date: int(time.Now().Unix()),
				Chat: &tgbotapi.Chat{ID: user, Type: "private"}, From: &tgbotapi.User{ID: user, FirstName: "U"}, Text: text,
				Entities: commandEntity(text)}})
		}
		press := func(user int64, data string) {
			id++
			updates = append(updates, tgbotapi.Update{UpdateID: id, CallbackQuery: &tgbotapi.CallbackQuery{ID: fmt.Sprint(id),
				From: &tgbotapi.User{ID: user, FirstName: "U"}, Data: data,
				Message: &tgbotapi.Message{MessageID: 1, Chat: &tgbotapi.Chat{ID: user, Type: "private"}}}})
		}
		for round := 0; round < 3; round++ {
			for u := int64(1); u <= n; u++ {
				switch round {
				case 0:
					msg(u, "/menu")
				case 1:
					msg(u, "/vanban")
				case 2:
					press(u, fmt.Sprintf("hoc:%d", assignment[u]))
				}
				if round == 2 && (u-1)%30 == 0 {
					// Today: the cells were founded by this import.
					msg(u, "/sinhhoat "+time.Now().In(loc).Format("02/01/2006")+"; thường kỳ; 18/20; Quán triệt Kết luận 21-KL/TW")
				}
			}
		}
		d := bot.NewDispatcher(context.Background(), th, workers, quietLog(), nil)
		var wg sync.WaitGroup
		wg.Add(len(updates))
		var mu sync.Mutex
		var waited []time.Duration
		b.StartTimer()
		start := time.Now()
		for i, u := range updates {
			if rate <= 0 {
				d.Dispatch(u, wg.Done)
				continue
			}
			at := start.Add(time.Duration(i) * time.Second / time.Duration(rate))
			time.Sleep(time.Until(at))
			d.Dispatch(u, func() {
				mu.Lock()
				waited = append(waited, time.Since(at))
				mu.Unlock()
				wg.Done()
			})
		}
		wg.Wait()
		elapsed := time.Since(start)
		b.StopTimer()
		d.Close()

		var studied, meetings int
		_ = s.DB().Get(&studied, `SELECT count(*) FROM assignments WHERE state = 'studied'`)
		_ = s.DB().Get(&meetings, `SELECT count(*) FROM meeting_versions`)
		if studied != n || meetings != cells {
			b.Fatalf("studied %d of %d, meetings %d of %d", studied, n, meetings, cells)
		}
		lat := th.lat
		if rate > 0 {
			lat = waited
			sort.Slice(th.lat, func(i, j int) bool { return th.lat[i] < th.lat[j] })
			b.ReportMetric(float64(th.lat[int(0.99*float64(len(th.lat)-1))].Microseconds())/1000, "p99-handling-ms")
		}
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
		b.ReportMetric(float64(len(updates))/elapsed.Seconds(), "updates/s")
		b.ReportMetric(pct(0.50), "p50-ms")
		b.ReportMetric(pct(0.99), "p99-ms")
		b.ReportMetric(float64(len(updates)), "updates")
	}
}

func commandEntity(text string) []tgbotapi.MessageEntity {
	if len(text) == 0 || text[0] != '/' {
		return nil
	}
	end := len(text)
	for i, r := range text {
		if r == ' ' {
			end = i
			break
		}
	}
	return []tgbotapi.MessageEntity{{Type: "bot_command", Offset: 0, Length: end}}
}

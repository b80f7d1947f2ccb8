package handlers

import (
	"context"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sotay/handlers/chat"
	"sotay/storage"
)

// Commands returns the commands a member with these roles may use, for
// setMyCommands and /trogiup, in handler-list order.
func (h *Handlers) Commands(linked bool, roles []storage.Role) []tgbotapi.BotCommand {
	r := &chat.Request{Roles: roles}
	if linked {
		r.Member = &storage.Member{}
	}
	var out []tgbotapi.BotCommand
	for _, hd := range h.router.List {
		if hd.Command == "" || hd.Description == "" || !r.Has(hd.Access) {
			continue
		}
		if !linked && hd.Access > chat.Public {
			continue
		}
		out = append(out, tgbotapi.BotCommand{Command: hd.Command, Description: hd.Description})
	}
	return out
}

// CommandMenus returns the setMyCommands requests that give every private
// chat the member commands and every linked member with a role the commands
// of that role.
func (h *Handlers) CommandMenus(ctx context.Context) ([]tgbotapi.SetMyCommandsConfig, error) {
	out := []tgbotapi.SetMyCommandsConfig{
		tgbotapi.NewSetMyCommandsWithScope(tgbotapi.NewBotCommandScopeAllPrivateChats(), h.Commands(true, nil)...),
	}
	ms, err := h.deps.Store.MembersWithRoles(ctx)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		roles, err := h.deps.Store.RolesOf(ctx, m.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, tgbotapi.NewSetMyCommandsWithScope(tgbotapi.NewBotCommandScopeChat(*m.TelegramUserID), h.Commands(true, roles)...))
	}
	return out, nil
}

// chatCommands queues the command menu of this member's chat.
func (h *Handlers) chatCommands(r *chat.Request) {
	if r.Member == nil || len(r.Roles) == 0 {
		return
	}
	r.Queue(tgbotapi.NewSetMyCommandsWithScope(tgbotapi.NewBotCommandScopeChat(r.ChatID), h.Commands(true, r.Roles)...))
}

// RoleHints says, for each role a person can hold, what it lets them do
// beyond a plain member, from the handler list: the sandbox's persona
// picker shows it, so it never drifts from what the bot answers.
func RoleHints() map[string]string {
	h := New(Deps{})
	member := h.Commands(true, nil)
	has := map[string]bool{}
	for _, c := range member {
		has[c.Command] = true
	}
	line := func(title string, cmds []tgbotapi.BotCommand, skip map[string]bool) string {
		var parts []string
		for _, c := range cmds {
			if !skip[c.Command] && c.Command != "menu" && c.Command != "huy" && c.Command != "trogiup" {
				parts = append(parts, c.Description+" (/"+c.Command+")")
			}
		}
		return title + ": " + strings.Join(parts, "; ") + "."
	}
	role := func(name string) []tgbotapi.BotCommand {
		return h.Commands(true, []storage.Role{{Role: name, AtRoot: true}})
	}
	return map[string]string{
		"admin":     line("Văn phòng Đảng ủy", role(storage.RoleAdmin), has),
		"officer":   line("Cán bộ Đảng ủy", role(storage.RoleOfficer), has),
		"secretary": line("Bí thư chi bộ", role(storage.RoleSecretary), has),
		"member":    line("Đảng viên", member, nil),
	}
}

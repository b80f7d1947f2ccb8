package demodata

import (
	"context"
	"fmt"

	"sotay/storage"
)

// Persona is a member who holds a role, as the demo chat offers them: the
// admin, the officers and the secretaries.
type Persona struct {
	storage.Member
	Role string `db:"role"`
	// RoleOrgCode and RoleOrgName are the organisation the role covers.
	RoleOrgCode string `db:"role_org_code"`
	RoleOrgName string `db:"role_org_name"`
}

// Personas lists the active members who hold a role: admins first, then
// officers, then secretaries by organisation code.
func Personas(ctx context.Context, s *storage.Storage) ([]Persona, error) {
	var ps []Persona
	err := s.DB().SelectContext(ctx, &ps, `
		SELECT m.id, m.code, m.full_name, m.org_id, o.code AS org_code, o.name AS org_name, m.gender,
			m.birth_year, m.ethnicity, m.status, m.phone, m.active, m.telegram_user_id, m.linked_at, m.unreachable_at,
			r.role, ro.code AS role_org_code, ro.name AS role_org_name
		FROM roles r
		JOIN members m ON m.id = r.member_id
		JOIN organisations o ON o.id = m.org_id
		JOIN organisations ro ON ro.id = r.org_id
		WHERE m.active AND ro.dissolved_at IS NULL
		ORDER BY CASE r.role WHEN 'admin' THEN 0 WHEN 'officer' THEN 1 ELSE 2 END, ro.code, m.code`)
	if err != nil {
		return nil, fmt.Errorf("demodata: personas: %w", err)
	}
	return ps, nil
}

package storage

import (
	"context"
	"fmt"
)

// Roles a member may hold, each scoped to an organisation subtree.
const (
	RoleSecretary = "secretary"
	RoleOfficer   = "officer"
	RoleAdmin     = "admin"
)

// RoleName is the Vietnamese name of a role.
func RoleName(role string) string {
	switch role {
	case RoleSecretary:
		return "Bí thư"
	case RoleOfficer:
		return "Cán bộ Đảng ủy"
	case RoleAdmin:
		return "Quản trị"
	}
	return "Đảng viên"
}

// Role is one role of a member over one organisation subtree.
type Role struct {
	Role    string `db:"role"`
	OrgID   int64  `db:"org_id"`
	OrgCode string `db:"org_code"`
	OrgName string `db:"org_name"`
	// AtRoot is true when the organisation is a root of the tree (the
	// commune committee).
	AtRoot bool `db:"at_root"`
}

// RolesOf returns a member's roles over organisations that are not dissolved.
func (s *Storage) RolesOf(ctx context.Context, memberID int64) ([]Role, error) {
	var rs []Role
	err := s.sel(ctx, &rs, `SELECT r.role, r.org_id, o.code AS org_code, o.name AS org_name, o.parent_id IS NULL AS at_root
		FROM roles r JOIN organisations o ON o.id = r.org_id
		WHERE r.member_id = $1 AND o.dissolved_at IS NULL ORDER BY r.role, o.code`, memberID)
	if err != nil {
		return nil, fmt.Errorf("storage: roles of %d: %w", memberID, err)
	}
	return rs, nil
}

// RolesHeld returns, by member, the roles of these members over
// organisations that are not dissolved: what stands between another member
// and their account (see handlers' Request.MayActOn). Members without a
// role are left out of the map.
func (s *Storage) RolesHeld(ctx context.Context, memberIDs []int64) (map[int64][]Role, error) {
	out := map[int64][]Role{}
	if len(memberIDs) == 0 {
		return out, nil
	}
	var rs []struct {
		MemberID int64 `db:"member_id"`
		Role
	}
	err := s.sel(ctx, &rs, `SELECT r.member_id, r.role, r.org_id, o.code AS org_code, o.name AS org_name, o.parent_id IS NULL AS at_root
		FROM roles r JOIN organisations o ON o.id = r.org_id
		WHERE r.member_id = ANY($1) AND o.dissolved_at IS NULL ORDER BY r.member_id, o.parent_id IS NULL DESC, r.role, o.code`, int64Array(memberIDs))
	if err != nil {
		return nil, fmt.Errorf("storage: roles held: %w", err)
	}
	for _, r := range rs {
		out[r.MemberID] = append(out[r.MemberID], r.Role)
	}
	return out, nil
}

// CheckRole is the rule of a role's name: secretary, officer or admin.
func CheckRole(role string) error {
	if role != RoleSecretary && role != RoleOfficer && role != RoleAdmin {
		return FieldErrorf("role", "Vai trò %q không có: hãy dùng secretary (bí thư), officer (cán bộ Đảng ủy) hoặc admin (quản trị).", role)
	}
	return nil
}

// GrantRole gives a member a role over an organisation subtree. Granting a
// role the member already has changes nothing. A new role revokes the
// member's open invites: each was made by someone allowed to act on the
// member as they were, maybe not on the member with this role, and must
// not hand the role to whoever still holds the link.
func (s *Storage) GrantRole(ctx context.Context, memberCode, role, orgCode, actor string) error {
	if err := CheckRole(role); err != nil {
		return err
	}
	return s.WithTx(ctx, func(s *Storage) error {
		m, o, err := s.memberAndOpenOrg(ctx, memberCode, orgCode)
		if err != nil {
			return err
		}
		if !m.Active {
			return Errorf(CodeInvalid, "Đảng viên %s không còn sinh hoạt.", memberCode)
		}
		res, err := s.exec(ctx, `INSERT INTO roles (member_id, role, org_id, granted_at, granted_by) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (member_id, role, org_id) DO NOTHING`, m.ID, role, o.ID, s.now(), actor)
		if err != nil {
			return fmt.Errorf("storage: grant %s to %q: %w", role, memberCode, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		revoked, err := s.revokeOpenInvites(ctx, m.ID)
		if err != nil {
			return err
		}
		return s.Audit(ctx, actor, "role.grant", memberCode, map[string]any{"role": role, "org": orgCode, "revoked_invites": revoked})
	})
}

// RevokeRole takes a role away. Revoking a role the member does not hold
// is ErrNotFound.
func (s *Storage) RevokeRole(ctx context.Context, memberCode, role, orgCode, actor string) error {
	return s.WithTx(ctx, func(s *Storage) error {
		res, err := s.exec(ctx, `DELETE FROM roles r USING members m, organisations o
			WHERE r.member_id = m.id AND r.org_id = o.id AND m.code = $1 AND r.role = $2 AND o.code = $3`, memberCode, role, orgCode)
		if err != nil {
			return fmt.Errorf("storage: revoke %s from %q: %w", role, memberCode, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return Errorf(CodeNotFound, "Đảng viên %s không có vai trò %s tại %s.", memberCode, role, orgCode)
		}
		return s.Audit(ctx, actor, "role.revoke", memberCode, map[string]string{"role": role, "org": orgCode})
	})
}

// MembersWithRoles returns the linked members who hold any role, for
// registering their command menus.
func (s *Storage) MembersWithRoles(ctx context.Context) ([]Member, error) {
	var ms []Member
	err := s.sel(ctx, &ms, `SELECT `+memberColumns+memberFrom+`WHERE m.active AND m.telegram_user_id IS NOT NULL
		AND EXISTS (SELECT 1 FROM roles r WHERE r.member_id = m.id) ORDER BY m.code`)
	if err != nil {
		return nil, fmt.Errorf("storage: members with roles: %w", err)
	}
	return ms, nil
}

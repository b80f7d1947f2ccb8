package handlers

import (
	"context"

	"sotay/storage"
)

// Has reports whether the member holds a role at least as strong as access
// anywhere. Admins may do what officers do; officers what secretaries do.
func (r *Request) Has(access Access) bool {
	switch access {
	case Public:
		return true
	case Member:
		return r.Member != nil
	}
	if r.Member == nil {
		return false
	}
	for _, role := range r.Roles {
		if roleAccess(role) >= access {
			return true
		}
	}
	return false
}

// roleAccess is what a role allows. The admin actions (roster, publishing,
// withdrawing) act on the whole commune, so an admin role counts as Admin
// only at the root; lower in the tree it oversees its subtree as an officer.
func roleAccess(role storage.Role) Access {
	switch role.Role {
	case storage.RoleAdmin:
		if role.AtRoot {
			return Admin
		}
		return Officer
	case storage.RoleOfficer:
		return Officer
	case storage.RoleSecretary:
		return Secretary
	}
	return Member
}

// CanSee reports whether the member may see organisation orgID: a role over
// it or over one of its ancestors of at least the given access.
func (r *Request) CanSee(ctx context.Context, access Access, orgID int64) (bool, error) {
	return r.Scope(access).Covers(ctx, orgID)
}

// Scope answers, for one user and one access level, which organisations
// they may see or act on: the subtrees under their roles that grant that
// level (a secretary's cell, an officer's committee; an admin's or an
// officer's role also counts where a secretary's is asked for). It is the
// one answer push, invites, documents, reports and statistics use.
type Scope struct {
	access Access
	roots  []int64
	store  *storage.Storage
}

// Scope is the request's scope at an access level, built from its roles
// once per request.
func (r *Request) Scope(access Access) *Scope {
	if s, ok := r.scopes[access]; ok {
		return s
	}
	s := &Scope{access: access, store: r.Store}
	seen := map[int64]bool{}
	for _, role := range r.Roles {
		if roleAccess(role) >= access && !seen[role.OrgID] {
			seen[role.OrgID] = true
			s.roots = append(s.roots, role.OrgID)
		}
	}
	if r.scopes == nil {
		r.scopes = map[Access]*Scope{}
	}
	r.scopes[access] = s
	return s
}

// Empty reports whether the user holds no role at this level.
func (s *Scope) Empty() bool { return len(s.roots) == 0 }

// Roots are the organisations the roles are on.
func (s *Scope) Roots() []int64 { return s.roots }

// IsRoot reports whether a role of this level sits on orgID itself.
func (s *Scope) IsRoot(orgID int64) bool {
	for _, id := range s.roots {
		if id == orgID {
			return true
		}
	}
	return false
}

// Covers reports whether orgID lies in the scope.
func (s *Scope) Covers(ctx context.Context, orgID int64) (bool, error) {
	for _, root := range s.roots {
		ok, err := s.store.InSubtree(ctx, root, orgID)
		if err != nil || ok {
			return ok, err
		}
	}
	return false, nil
}

// Check is Covers as an error: ErrForbidden outside the scope.
func (s *Scope) Check(ctx context.Context, orgID int64) error {
	ok, err := s.Covers(ctx, orgID)
	if err != nil {
		return err
	}
	if !ok {
		return storage.ErrForbidden
	}
	return nil
}

// Organisations lists the scope's organisations in tree order, each once.
func (s *Scope) Organisations(ctx context.Context) ([]storage.Organisation, error) {
	return underRoots(ctx, s.roots, s.store.Subtree, func(o storage.Organisation) int64 { return o.ID })
}

// Members lists the active members of the scope, each once.
func (s *Scope) Members(ctx context.Context) ([]storage.Member, error) {
	return underRoots(ctx, s.roots, s.store.MembersInSubtree, func(m storage.Member) int64 { return m.ID })
}

// underRoots gathers what load returns for each root, each id once, in order.
func underRoots[T any](ctx context.Context, roots []int64, load func(context.Context, int64) ([]T, error), id func(T) int64) ([]T, error) {
	seen := map[int64]bool{}
	var out []T
	for _, root := range roots {
		items, err := load(ctx, root)
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			if !seen[id(it)] {
				seen[id(it)] = true
				out = append(out, it)
			}
		}
	}
	return out, nil
}

// Package roster reads the organisation and member roster files that
// `sotay import orgs|members FILE` and the admin's in-chat /nhap upload
// accept, and turns them into storage.OrgInput and storage.MemberInput rows.
//
// A file is CSV (UTF-8 with or without BOM, comma, semicolon or tab
// separated, RFC 4180 quoting, any line ending) or XLSX (the first sheet).
// The header row names the columns in English or Vietnamese, with or without
// diacritics, in any order; unknown columns are ignored. Title rows above the
// header (e.g. "DANH SÁCH ĐẢNG VIÊN") are allowed within the first ten
// non-blank rows.
//
// The parser never touches the database: it only says which rows are well
// formed. Rows that are not come back as storage.ImportRow values with a
// Vietnamese reason and the row number a spreadsheet user sees (the header is
// usually row 1). Whether a parent organisation or a member's cell exists is
// decided later by storage, inside the import transaction.
package roster

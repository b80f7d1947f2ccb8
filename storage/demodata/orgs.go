package demodata

import (
	"context"
	"fmt"

	"sotay/storage"
)

// demoOrg is one organisation of the demo commune; Size is how many members
// a cell has (0 for a committee). Sizes are uneven, as real cells are: a
// village cell of a large bản has about 30, a small police cell 5.
type demoOrg struct {
	Code, Name, Parent string
	Kind               storage.OrgKind
	Size               int
	// Profile says who its members are: "village", "school", "police",
	// "army", "office".
	Profile string
}

// committee and cell build the table below.
func committee(code, name string) demoOrg {
	return demoOrg{Code: code, Name: name, Kind: storage.KindDangBo, Parent: RootCode}
}

func cell(code, name, parent string, size int, profile string) demoOrg {
	return demoOrg{Code: code, Name: name, Kind: storage.KindChiBo, Parent: parent, Size: size, Profile: profile}
}

// demoOrgs is the commune: the root, 3 base committees holding 17 cells, 7
// base cells and 44 cells of the 35 bản (the 9 largest bản have two cells).
// 54 organisations sit directly under the root; the cells hold 870 members.
var demoOrgs = []demoOrg{
	{Code: RootCode, Name: "Đảng bộ xã Bình Lư", Kind: storage.KindDangBo},

	committee("DBTRUONG", "Đảng bộ Trường học xã Bình Lư"),
	cell("CBMNBINHLU", "Chi bộ Trường Mầm non Bình Lư", "DBTRUONG", 14, "school"),
	cell("CBMNNAHIEN", "Chi bộ Trường Mầm non Nà Hiên", "DBTRUONG", 8, "school"),
	cell("CBTHBINHLU", "Chi bộ Trường Tiểu học Bình Lư", "DBTRUONG", 17, "school"),
	cell("CBTHPAPAO", "Chi bộ Trường Tiểu học Pà Pao", "DBTRUONG", 9, "school"),
	cell("CBTHLAOCHAI", "Chi bộ Trường Tiểu học Lao Chải", "DBTRUONG", 7, "school"),
	cell("CBTHCS", "Chi bộ Trường THCS Bình Lư", "DBTRUONG", 19, "school"),
	cell("CBPTDTBT", "Chi bộ Trường PTDTBT THCS Nà Hiên", "DBTRUONG", 12, "school"),

	committee("DBCONGAN", "Đảng bộ Công an xã Bình Lư"),
	cell("CBCAANNINH", "Chi bộ An ninh", "DBCONGAN", 6, "police"),
	cell("CBCACANHSAT", "Chi bộ Cảnh sát", "DBCONGAN", 7, "police"),
	cell("CBCATONGHOP", "Chi bộ Tổng hợp", "DBCONGAN", 5, "police"),
	cell("CBCANAHIEN", "Chi bộ Công an cụm Nà Hiên", "DBCONGAN", 5, "police"),
	cell("CBCAPAPAO", "Chi bộ Công an cụm Pà Pao", "DBCONGAN", 5, "police"),

	committee("DBQUANSU", "Đảng bộ Quân sự xã Bình Lư"),
	cell("CBBCHQS", "Chi bộ Ban Chỉ huy Quân sự", "DBQUANSU", 6, "army"),
	cell("CBDQTT", "Chi bộ Dân quân thường trực", "DBQUANSU", 9, "army"),
	cell("CBDQNAHIEN", "Chi bộ Dân quân cụm Nà Hiên", "DBQUANSU", 5, "army"),
	cell("CBDQPAPAO", "Chi bộ Dân quân cụm Pà Pao", "DBQUANSU", 5, "army"),
	cell("CBDQLAOCHAI", "Chi bộ Dân quân cụm Lao Chải", "DBQUANSU", 6, "army"),

	cell("CBCQDANG", "Chi bộ Cơ quan Đảng", RootCode, 16, "office"),
	cell("CBCQCHQ", "Chi bộ Cơ quan Chính quyền", RootCode, 24, "office"),
	cell("CBMTDT", "Chi bộ Mặt trận Tổ quốc và các đoàn thể", RootCode, 13, "office"),
	cell("CBYTE", "Chi bộ Trạm Y tế xã", RootCode, 9, "office"),
	cell("CBHTXCHE", "Chi bộ Hợp tác xã Chè Bình Lư", RootCode, 7, "village"),
	cell("CBRUNGPH", "Chi bộ Ban Quản lý rừng phòng hộ", RootCode, 6, "office"),
	cell("CBKHUYENNONG", "Chi bộ Trạm Khuyến nông", RootCode, 5, "office"),

	cell("CBNAHIEN1", "Chi bộ bản Nà Hiên 1", RootCode, 34, "village"),
	cell("CBNAHIEN2", "Chi bộ bản Nà Hiên 2", RootCode, 24, "village"),
	cell("CBPAPAO1", "Chi bộ bản Pà Pao 1", RootCode, 30, "village"),
	cell("CBPAPAO2", "Chi bộ bản Pà Pao 2", RootCode, 19, "village"),
	cell("CBLAOCHAI1", "Chi bộ bản Lao Chải 1", RootCode, 25, "village"),
	cell("CBLAOCHAI2", "Chi bộ bản Lao Chải 2", RootCode, 15, "village"),
	cell("CBNABO1", "Chi bộ bản Nà Bỏ 1", RootCode, 40, "village"),
	cell("CBNABO2", "Chi bộ bản Nà Bỏ 2", RootCode, 26, "village"),
	cell("CBNOONGLUONG1", "Chi bộ bản Noong Luống 1", RootCode, 23, "village"),
	cell("CBNOONGLUONG2", "Chi bộ bản Noong Luống 2", RootCode, 18, "village"),
	cell("CBBINHLU1", "Chi bộ bản Bình Lư 1", RootCode, 38, "village"),
	cell("CBBINHLU2", "Chi bộ bản Bình Lư 2", RootCode, 29, "village"),
	cell("CBSONBINH1", "Chi bộ bản Sơn Bình 1", RootCode, 21, "village"),
	cell("CBSONBINH2", "Chi bộ bản Sơn Bình 2", RootCode, 14, "village"),
	cell("CBCOCPHAT1", "Chi bộ bản Cốc Phát 1", RootCode, 17, "village"),
	cell("CBCOCPHAT2", "Chi bộ bản Cốc Phát 2", RootCode, 12, "village"),
	cell("CBNAKHUM1", "Chi bộ bản Nà Khum 1", RootCode, 16, "village"),
	cell("CBNAKHUM2", "Chi bộ bản Nà Khum 2", RootCode, 11, "village"),
	cell("CBSINCHAI", "Chi bộ bản Sin Chải", RootCode, 8, "village"),
	cell("CBTAPHIN", "Chi bộ bản Tả Phìn", RootCode, 7, "village"),
	cell("CBNAMDICH", "Chi bộ bản Nậm Đích", RootCode, 9, "village"),
	cell("CBHUABUM", "Chi bộ bản Hua Bum", RootCode, 6, "village"),
	cell("CBPACTA", "Chi bộ bản Pắc Ta", RootCode, 13, "village"),
	cell("CBNADONG", "Chi bộ bản Nà Đông", RootCode, 11, "village"),
	cell("CBPHIENGPAT", "Chi bộ bản Phiêng Pát", RootCode, 10, "village"),
	cell("CBTHAMPHAY", "Chi bộ bản Thẳm Phẩy", RootCode, 8, "village"),
	cell("CBCHUVA", "Chi bộ bản Chu Va", RootCode, 7, "village"),
	cell("CBSEOSINCHAI", "Chi bộ bản Séo Sìn Chải", RootCode, 6, "village"),
	cell("CBHOPEN", "Chi bộ bản Hồ Pền", RootCode, 9, "village"),
	cell("CBTACHAI", "Chi bộ bản Tà Chải", RootCode, 8, "village"),
	cell("CBKHUNHA", "Chi bộ bản Khun Há", RootCode, 12, "village"),
	cell("CBNATAM", "Chi bộ bản Nà Tăm", RootCode, 14, "village"),
	cell("CBPHIENGCHA", "Chi bộ bản Phiêng Chá", RootCode, 7, "village"),
	cell("CBNAIT", "Chi bộ bản Nà Ít", RootCode, 10, "village"),
	cell("CBCOCLUNG", "Chi bộ bản Cốc Lùng", RootCode, 9, "village"),
	cell("CBNACANG", "Chi bộ bản Nà Cang", RootCode, 11, "village"),
	cell("CBLUNGTHANG", "Chi bộ bản Lùng Thàng", RootCode, 6, "village"),
	cell("CBNGAITHAU", "Chi bộ bản Ngải Thầu", RootCode, 8, "village"),
	cell("CBSUOITHAU", "Chi bộ bản Suối Thầu", RootCode, 7, "village"),
	cell("CBTIENBINH", "Chi bộ bản Tiên Bình", RootCode, 15, "village"),
	cell("CBPHIENGLOT", "Chi bộ bản Phiêng Lót", RootCode, 8, "village"),
	cell("CBNAANG", "Chi bộ bản Nà Ảng", RootCode, 10, "village"),
	cell("CBHUANA", "Chi bộ bản Hua Nà", RootCode, 9, "village"),
	cell("CBNAMCUNG", "Chi bộ bản Nậm Cung", RootCode, 5, "village"),
}

// createOrgs imports the tree and records the cells in tree order.
func createOrgs(ctx context.Context, d *Demo) error {
	rows := make([]storage.OrgInput, 0, len(demoOrgs))
	for i, o := range demoOrgs {
		parent := o.Parent
		if o.Code == RootCode {
			parent = ""
		}
		rows = append(rows, storage.OrgInput{Line: i + 2, Code: o.Code, Name: o.Name, Kind: o.Kind, ParentCode: parent})
	}
	rep, err := d.S.ImportOrgs(ctx, rows, nil, storage.ImportOptions{Actor: Actor})
	if err != nil {
		return err
	}
	if rep.Rejected > 0 {
		return fmt.Errorf("%d organisations rejected: %+v", rep.Rejected, rep.Rows)
	}
	orgs, err := d.S.Organisations(ctx)
	if err != nil {
		return err
	}
	d.Cells = d.Cells[:0]
	for _, o := range orgs {
		if o.Kind == storage.KindChiBo {
			d.Cells = append(d.Cells, o.Code)
		}
	}
	return nil
}

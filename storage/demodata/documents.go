package demodata

import (
	"context"
	"fmt"
	"strings"
	"time"

	"sotay/storage"
)

// demoDocument is one document of the commune's report, with a summary and
// text written for the demo.
type demoDocument struct {
	Kind, Number, Issuer, Date, Title, Summary string
	Body                                       []string
	// WithFile gives the document a PDF (documentPDF) issued at Place.
	WithFile bool
	Place    string
}

var demoDocuments = []demoDocument{
	{
		Kind: "ket_luan", Number: "21-KL/TW", Issuer: "Ban Chấp hành Trung ương", Date: "2021-10-25",
		Title: "Kết luận Hội nghị lần thứ tư Ban Chấp hành Trung ương Đảng khóa XIII về đẩy mạnh xây dựng, chỉnh đốn Đảng và hệ thống chính trị; kiên quyết ngăn chặn, đẩy lùi, xử lý nghiêm cán bộ, đảng viên suy thoái về tư tưởng chính trị, đạo đức, lối sống, biểu hiện \"tự diễn biến\", \"tự chuyển hóa\"",
		Summary: "Bản tóm tắt cho bản demo: Kết luận đặt ra yêu cầu mỗi cán bộ, đảng viên tự soi, tự sửa; " +
			"chi bộ sinh hoạt đều đặn, có chất lượng; tăng cường kiểm tra, giám sát và xử lý nghiêm vi phạm. " +
			"Đảng viên học tập, liên hệ bản thân và đăng ký việc làm cụ thể.",
		Body: []string{
			"I. TÌNH HÌNH (nội dung viết cho bản demo)",
			"Sau 5 năm thực hiện Nghị quyết Trung ương 4 khóa XII, công tác xây dựng, chỉnh đốn Đảng đạt nhiều kết quả quan trọng. Tuy nhiên, tình trạng suy thoái về tư tưởng chính trị, đạo đức, lối sống của một bộ phận cán bộ, đảng viên vẫn còn diễn biến phức tạp.",
			"II. MỤC TIÊU",
			"Đẩy mạnh xây dựng, chỉnh đốn Đảng và hệ thống chính trị trong sạch, vững mạnh toàn diện; ngăn chặn, đẩy lùi sự suy thoái; củng cố niềm tin của nhân dân đối với Đảng.",
			"III. NHIỆM VỤ, GIẢI PHÁP",
			"1. Tăng cường công tác chính trị, tư tưởng; nâng cao nhận thức, trách nhiệm của cấp ủy, tổ chức đảng và đảng viên.",
			"2. Đổi mới nội dung, nâng cao chất lượng sinh hoạt chi bộ; thực hiện nghiêm tự phê bình và phê bình.",
			"3. Tăng cường kiểm tra, giám sát; xử lý kịp thời, nghiêm minh tổ chức đảng, đảng viên vi phạm.",
			"4. Phát huy vai trò giám sát của Mặt trận Tổ quốc, các đoàn thể chính trị - xã hội và của nhân dân.",
			"5. Người đứng đầu cấp ủy gương mẫu, nói đi đôi với làm; đảng viên giữ mối liên hệ mật thiết với nhân dân nơi cư trú.",
		},
		WithFile: true, Place: "Hà Nội",
	},
	{
		Kind: "ke_hoach", Number: "62-KH/TU", Issuer: "Tỉnh ủy", Date: "2022-03-08",
		Title:   "Kế hoạch thực hiện Kết luận số 21-KL/TW của Hội nghị Trung ương 4 khóa XIII",
		Summary: "Bản tóm tắt cho bản demo: Tỉnh ủy giao các cấp ủy cơ sở tổ chức học tập, quán triệt Kết luận 21-KL/TW đến 100% đảng viên; mỗi chi bộ xây dựng chương trình hành động và báo cáo kết quả 6 tháng một lần.",
		Body: []string{
			"1. Tổ chức học tập, quán triệt Kết luận 21-KL/TW đến toàn thể cán bộ, đảng viên, hoàn thành trong quý đầu năm.",
			"2. Các chi bộ đưa nội dung thực hiện Kết luận vào sinh hoạt thường kỳ hằng tháng.",
			"3. Ủy ban Kiểm tra các cấp xây dựng kế hoạch kiểm tra, giám sát việc thực hiện.",
		},
	},
	{
		Kind: "quy_dinh", Number: "85-QĐ/TW", Issuer: "Ban Bí thư", Date: "2017-01-23",
		Title:   "Quy định về kiểm tra, giám sát việc kê khai tài sản, thu nhập của cán bộ thuộc diện Bộ Chính trị, Ban Bí thư quản lý",
		Summary: "Bản tóm tắt cho bản demo: Quy định nguyên tắc, nội dung, phương pháp kiểm tra, giám sát việc kê khai tài sản, thu nhập; trách nhiệm của tổ chức đảng và cán bộ được kiểm tra, giám sát.",
		Body: []string{
			"Chương I. NHỮNG QUY ĐỊNH CHUNG (nội dung viết cho bản demo)",
			"Việc kiểm tra, giám sát kê khai tài sản, thu nhập bảo đảm sự lãnh đạo của Đảng, đúng nguyên tắc, công khai, khách quan, chính xác.",
			"Chương II. NỘI DUNG, PHƯƠNG PHÁP",
			"Tổ chức đảng có thẩm quyền xem xét tính trung thực, đầy đủ, kịp thời của bản kê khai; đối chiếu biến động tài sản với thu nhập của người kê khai.",
			"Cán bộ được kiểm tra, giám sát có trách nhiệm giải trình rõ ràng nguồn gốc tài sản, thu nhập tăng thêm và cung cấp đầy đủ tài liệu liên quan.",
		},
	},
	{
		Kind: "ket_luan", Number: "01-KL/TW", Issuer: "Bộ Chính trị", Date: "2021-05-18",
		Title:   "Kết luận về tiếp tục thực hiện Chỉ thị số 05-CT/TW của Bộ Chính trị về đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
		Summary: "Bản tóm tắt cho bản demo: Tiếp tục đưa việc học tập và làm theo Bác thành việc làm thường xuyên; mỗi chi bộ chọn nội dung đột phá, mỗi đảng viên đăng ký việc làm theo gương Bác hằng năm.",
		Body: []string{
			"Các cấp ủy tiếp tục lãnh đạo, chỉ đạo việc học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh gắn với nhiệm vụ chính trị của địa phương.",
			"Chi bộ đưa nội dung học tập chuyên đề vào sinh hoạt định kỳ; biểu dương, nhân rộng gương điển hình.",
		},
	},
	{
		Kind: "nghi_quyet", Number: "35-NQ/TW", Issuer: "Bộ Chính trị", Date: "2018-10-22",
		Title:   "Nghị quyết về tăng cường bảo vệ nền tảng tư tưởng của Đảng, đấu tranh phản bác các quan điểm sai trái, thù địch trong tình hình mới",
		Summary: "Bản tóm tắt cho bản demo: Mỗi đảng viên có trách nhiệm bảo vệ nền tảng tư tưởng của Đảng, tỉnh táo trước thông tin xấu độc trên mạng xã hội, tích cực lan tỏa thông tin tích cực.",
		Body: []string{
			"I. QUAN ĐIỂM (nội dung viết cho bản demo)",
			"Bảo vệ nền tảng tư tưởng của Đảng là nhiệm vụ hệ trọng, sống còn của chế độ; là trách nhiệm của cả hệ thống chính trị, trong đó mỗi cán bộ, đảng viên là nòng cốt.",
			"II. NHIỆM VỤ, GIẢI PHÁP",
			"Mỗi chi bộ đưa nội dung nhận diện, đấu tranh phản bác quan điểm sai trái vào sinh hoạt định kỳ; đảng viên không đăng, không chia sẻ thông tin chưa được kiểm chứng.",
			"Đảng viên tích cực lan tỏa thông tin tích cực, gương người tốt, việc tốt ở bản, ở cơ sở; kịp thời báo cáo chi bộ khi phát hiện thông tin xấu độc.",
		},
	},
}

// createDocuments publishes the five documents of the commune's report,
// dated a year back like the rest of the demo.
func createDocuments(ctx context.Context, d *Demo) error {
	for _, doc := range demoDocuments {
		on, err := time.Parse("2006-01-02", doc.Date)
		if err != nil {
			return err
		}
		in := storage.DocumentInput{
			Kind: doc.Kind, Number: doc.Number, Issuer: doc.Issuer, IssuedOn: on,
			Title: doc.Title, Summary: doc.Summary, Body: strings.Join(doc.Body, "\n\n"), Actor: Actor,
		}
		if doc.WithFile {
			in.FileName = strings.NewReplacer("/", "-").Replace(doc.Number) + ".pdf"
			in.FileMime = "application/pdf"
			if in.FileData, err = documentPDF(doc, on, d.Since); err != nil {
				return err
			}
		}
		if _, err := d.S.CreateDocument(ctx, in); err != nil {
			return fmt.Errorf("document %s: %w", doc.Number, err)
		}
	}
	return nil
}

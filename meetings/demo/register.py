"""The demo's real-world register: organisations, organs, terms, people and directives.

Everything here is taken from the corpus texts (meetings/demo/corpus) or, where the texts
are silent, from public look-ups recorded in the corpus' citations.json notes. Member
counts are illustrative, not official figures.
"""
from __future__ import annotations

import datetime as dt

D = dt.date

# code, parent code, kind, name, short name, members
ORGANIZATIONS = [
    ("TW", None, "central", "Ban Chấp hành Trung ương Đảng Cộng sản Việt Nam", "Trung ương", 0),
    ("HCM", "TW", "province", "Đảng bộ Thành phố Hồ Chí Minh", "Thành ủy TP. Hồ Chí Minh", 0),
    ("HCM-KDCD", "HCM", "bloc", "Đảng bộ Khối Dân - Chính - Đảng Thành phố Hồ Chí Minh", "Đảng ủy Khối Dân - Chính - Đảng", 0),
    ("HCM-KDCD-STNMT", "HCM-KDCD", "grassroots", "Đảng bộ Sở Tài nguyên và Môi trường TP. Hồ Chí Minh", "Đảng ủy Sở Tài nguyên và Môi trường", 0),
    ("HCM-Q1", "HCM", "district", "Đảng bộ Quận 1", "Quận ủy Quận 1", 0),
    ("HN", "TW", "province", "Đảng bộ Thành phố Hà Nội", "Thành ủy Hà Nội", 0),
    ("HN-KCQ", "HN", "bloc", "Đảng bộ Khối các cơ quan Thành phố Hà Nội", "Đảng ủy Khối các cơ quan TP Hà Nội", 0),
]

# key, name, short name, kind, organisation code, symbol code, aliases
ORGANS = [
    ("tw-bch", "Ban Chấp hành Trung ương Đảng", "BCH Trung ương", "bch", "TW", "TW",
     ["Ban Chấp hành Trung ương", "BCH Trung ương Đảng", "BCH TW", "Trung ương", "Trung ương Đảng"]),
    ("tw-bct", "Bộ Chính trị", "Bộ Chính trị", "bct", "TW", "TW", ["BCT"]),
    ("tw-bbt", "Ban Bí thư Trung ương Đảng", "Ban Bí thư", "bbt", "TW", "TW", ["Ban Bí thư"]),
    ("tw-dh", "Đại hội đại biểu toàn quốc của Đảng", "Đại hội Đảng toàn quốc", "congress", "TW", "",
     ["Đại hội của Đảng", "Đại hội đại biểu toàn quốc"]),
    ("hcm-tu", "Ban Chấp hành Đảng bộ TP. Hồ Chí Minh (Thành ủy)", "Thành ủy TP. Hồ Chí Minh", "bch", "HCM", "TU",
     ["Thành ủy", "Thành ủy TPHCM", "Thành ủy TP. Hồ Chí Minh"]),
    ("hcm-btv", "Ban Thường vụ Thành ủy TP. Hồ Chí Minh", "BTV Thành ủy TP. Hồ Chí Minh", "btv", "HCM", "TU",
     ["BTV Thành ủy", "Ban Thường vụ Thành ủy"]),
    ("hcm-dh", "Đại hội đại biểu Đảng bộ TP. Hồ Chí Minh", "Đại hội Đảng bộ TP. Hồ Chí Minh", "congress", "HCM", "",
     ["Đại hội Đảng bộ thành phố", "Đại hội Đảng bộ TP"]),
    ("kdcd-duk", "Ban Chấp hành Đảng bộ Khối Dân - Chính - Đảng TP. Hồ Chí Minh", "Đảng ủy Khối Dân - Chính - Đảng", "bch", "HCM-KDCD", "ĐUK",
     ["Đảng ủy Khối"]),
    ("kdcd-dh", "Đại hội Đảng bộ Khối Dân - Chính - Đảng TP. Hồ Chí Minh", "Đại hội Đảng bộ Khối Dân - Chính - Đảng", "congress", "HCM-KDCD", "",
     ["Đại hội Đảng bộ Khối"]),
    ("hn-tu", "Ban Chấp hành Đảng bộ TP. Hà Nội (Thành ủy)", "Thành ủy Hà Nội", "bch", "HN", "TU", ["Thành ủy"]),
    ("hn-kcq-duk", "Ban Chấp hành Đảng bộ Khối các cơ quan TP Hà Nội", "Đảng ủy Khối các cơ quan TP Hà Nội", "bch", "HN-KCQ", "ĐUK",
     ["Đảng ủy Khối"]),
    ("hn-kcq-dh", "Đại hội Đảng bộ Khối các cơ quan TP Hà Nội", "Đại hội Đảng bộ Khối các cơ quan TP Hà Nội", "congress", "HN-KCQ", "",
     ["Đại hội Đảng bộ Khối"]),
    ("qh", "Quốc hội nước Cộng hòa xã hội chủ nghĩa Việt Nam", "Quốc hội", "state", None, "QH", ["Quốc hội"]),
    ("nha-nuoc", "Nhà nước (Chính phủ)", "Nhà nước", "state", None, "CP", ["Chính phủ"]),
]

# key, organisation code or organ key, ordinal, start, end, name
TERMS = [
    ("tw-11", "TW", 11, 2011, 2016, "Ban Chấp hành Trung ương khóa XI (2011-2016)"),
    ("tw-12", "TW", 12, 2016, 2021, "Ban Chấp hành Trung ương khóa XII (2016-2021)"),
    ("tw-13", "TW", 13, 2021, 2026, "Ban Chấp hành Trung ương khóa XIII (2021-2026)"),
    ("hcm-9", "HCM", 9, 2010, 2015, "Đảng bộ TP. Hồ Chí Minh khóa IX (2010-2015)"),
    ("hcm-10", "HCM", 10, 2015, 2020, "Đảng bộ TP. Hồ Chí Minh khóa X (2015-2020)"),
    ("kdcd-2", "HCM-KDCD", 2, 2015, 2020, "Đại hội Đảng bộ Khối Dân - Chính - Đảng lần thứ II (2015-2020)"),
    ("hn-16", "HN", 16, 2015, 2020, "Đảng bộ TP. Hà Nội khóa XVI (2015-2020)"),
    ("hn-kcq-12", "HN-KCQ", 12, 2015, 2020, "Đảng bộ Khối các cơ quan TP Hà Nội khóa XII (2015-2020)"),
    ("qh-13", "organ:qh", 13, 2011, 2016, "Quốc hội khóa XIII (2011-2016)"),
    ("qh-14", "organ:qh", 14, 2016, 2021, "Quốc hội khóa XIV (2016-2021)"),
]

# Directive records. "key" is the demo's stable id (the corpus ground truth's ids where they exist).
DIRECTIVES = [
    dict(key="CT05", kind="CT", number="05", issuer="tw-bct", term="tw-12", issue_date=D(2016, 5, 15),
         title="Về đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
         aliases=["Chỉ thị 05 của Bộ Chính trị"]),
    dict(key="TW4_XII", kind="NQ", number="04", issuer="tw-bch", term="tw-12", plenum=4, issue_date=D(2016, 10, 30),
         title="Về tăng cường xây dựng, chỉnh đốn Đảng; ngăn chặn, đẩy lùi sự suy thoái về tư tưởng chính trị, đạo đức, "
               "lối sống, những biểu hiện “tự diễn biến”, “tự chuyển hóa” trong nội bộ",
         aliases=["Nghị quyết Trung ương 4 khóa XII", "Nghị quyết Hội nghị Trung ương 4 khóa XII", "NQ TW4 khóa XII"]),
    dict(key="TW4_XI", kind="NQ", number="12", issuer="tw-bch", term="tw-11", plenum=4, issue_date=D(2012, 1, 16),
         title="Một số vấn đề cấp bách về xây dựng Đảng hiện nay",
         aliases=["Nghị quyết Trung ương 4 khóa XI"]),
    dict(key="KL21_2017", kind="KL", number="21", issuer="tw-bct", term="tw-12", issue_date=D(2017, 10, 24),
         title="Về sơ kết 5 năm thực hiện Nghị quyết số 16-NQ/TW của Bộ Chính trị về phương hướng, nhiệm vụ phát triển "
               "TP. Hồ Chí Minh đến năm 2020", implements=["NQ16"]),
    dict(key="KL21_2021", kind="KL", number="21", issuer="tw-bch", term="tw-13", plenum=4, issue_date=D(2021, 10, 25),
         title="Về đẩy mạnh xây dựng, chỉnh đốn Đảng và hệ thống chính trị; kiên quyết ngăn chặn, đẩy lùi, xử lý nghiêm "
               "cán bộ, đảng viên suy thoái về tư tưởng chính trị, đạo đức, lối sống, biểu hiện “tự diễn biến”, “tự chuyển hoá”"),
    dict(key="NQ16", kind="NQ", number="16", issuer="tw-bct", term="tw-11", issue_date=D(2012, 8, 10),
         title="Về phương hướng, nhiệm vụ phát triển TP. Hồ Chí Minh đến năm 2020"),
    dict(key="NQ54QH", kind="NQ", family="state_law", number="54", year=2017, issuer="qh", issuer_code="QH14", term="qh-14",
         issue_date=D(2017, 11, 24), symbol_printed="54/2017/QH14",
         title="Về thí điểm cơ chế, chính sách đặc thù phát triển Thành phố Hồ Chí Minh",
         aliases=["Nghị quyết 54 của Quốc hội", "54/NQ/QH14"]),
    dict(key="NQ08TU", kind="NQ", number="08", issuer="hcm-tu", term="hcm-10", issue_date=D(2018, 12, 6),
         title="Về lãnh đạo, chỉ đạo thực hiện Nghị quyết số 54/2017/QH14 của Quốc hội về thí điểm cơ chế, chính sách đặc "
               "thù phát triển TP. Hồ Chí Minh", implements=["NQ54QH"]),
    dict(key="DA02TU", kind="ĐA", number="02", issuer="hcm-btv", term="hcm-9", issue_date=D(2014, 3, 24),
         title="Đấu tranh với các hoạt động chống phá của các thế lực thù địch, phản bác các quan điểm sai trái, thù địch"),
    dict(key="KH156TU", kind="KH", number="156", issuer="hcm-btv", term="hcm-10", issue_date=D(2017, 10, 17),
         title="Về khảo sát chất lượng sinh hoạt chi bộ"),
    dict(key="QD1374TU", kind="QĐi", type_code="QĐ", number="1374", issuer="hcm-btv", term="hcm-10", issue_date=D(2017, 12, 1),
         title="Quy trình giải quyết thông tin phản ánh liên quan các tập thể, cá nhân suy thoái về tư tưởng chính trị, đạo "
               "đức, lối sống, vi phạm quy định của Đảng, pháp luật của Nhà nước",
         note="Printed as a Quy định with the type code QĐ, as is usual."),
    dict(key="QDi08", kind="QĐi", number="08", issuer="tw-bch", term="tw-12", plenum=8, issue_date=D(2018, 10, 25),
         title="Về trách nhiệm nêu gương của cán bộ, đảng viên, trước hết là Ủy viên Bộ Chính trị, Ủy viên Ban Bí thư, "
               "Ủy viên Ban Chấp hành Trung ương"),
    dict(key="NQ18", kind="NQ", number="18", issuer="tw-bch", term="tw-12", plenum=6, issue_date=D(2017, 10, 25),
         title="Một số vấn đề về tiếp tục đổi mới, sắp xếp tổ chức bộ máy của hệ thống chính trị tinh gọn, hoạt động "
               "hiệu lực, hiệu quả", note="Member of the set cited as 'Nghị quyết Hội nghị lần thứ 6, 7, 8' (inferred)."),
    dict(key="NQ19", kind="NQ", number="19", issuer="tw-bch", term="tw-12", plenum=6, issue_date=D(2017, 10, 25),
         title="Về tiếp tục đổi mới hệ thống tổ chức và quản lý, nâng cao chất lượng và hiệu quả hoạt động của các đơn "
               "vị sự nghiệp công lập", note="Member of the set cited as 'Nghị quyết Hội nghị lần thứ 6, 7, 8' (inferred)."),
    dict(key="NQ26", kind="NQ", number="26", issuer="tw-bch", term="tw-12", plenum=7, issue_date=D(2018, 5, 19),
         title="Về tập trung xây dựng đội ngũ cán bộ các cấp, nhất là cấp chiến lược, đủ phẩm chất, năng lực và uy tín, "
               "ngang tầm nhiệm vụ", note="Member of the set cited as 'Nghị quyết Hội nghị lần thứ 6, 7, 8' (inferred)."),
    dict(key="CT35_2019", kind="CT", number="35", issuer="tw-bct", term="tw-12", issue_date=D(2019, 5, 30),
         title="Về tổ chức đại hội đảng bộ các cấp tiến tới Đại hội đại biểu toàn quốc lần thứ XIII của Đảng"),
    dict(key="CT35_2024", kind="CT", number="35", issuer="tw-bct", term="tw-13", issue_date=D(2024, 6, 14),
         title="Về đại hội đảng bộ các cấp tiến tới Đại hội đại biểu toàn quốc lần thứ XIV của Đảng"),
    dict(key="DHTQ12", kind="NQ", number="", issuer="tw-dh", term="tw-12",
         title="Nghị quyết Đại hội đại biểu toàn quốc lần thứ XII của Đảng",
         aliases=["Nghị quyết Đại hội XII của Đảng"]),
    dict(key="HCM_DH10", kind="NQ", number="", issuer="hcm-dh", term="hcm-10",
         title="Nghị quyết Đại hội đại biểu Đảng bộ TP. Hồ Chí Minh lần thứ X, nhiệm kỳ 2015-2020",
         aliases=["Nghị quyết Đại hội X của Đảng bộ TP", "Nghị quyết Đại hội Đảng bộ thành phố lần thứ X"]),
    dict(key="KDCD_HCM_DH2", kind="NQ", number="", issuer="kdcd-dh", term="kdcd-2",
         title="Nghị quyết Đại hội Đảng bộ Khối Dân - Chính - Đảng TP. Hồ Chí Minh lần thứ II (2015-2020)",
         aliases=["Nghị quyết Đại hội Đảng bộ Khối Dân - Chính - Đảng TPHCM lần thứ II"]),
    dict(key="KCQ_HN_DH12", kind="NQ", number="", issuer="hn-kcq-dh", term="hn-kcq-12",
         title="Nghị quyết Đại hội lần thứ XII Đảng bộ Khối các cơ quan TP Hà Nội (2015-2020)",
         aliases=["Nghị quyết Đại hội lần thứ XII Đảng bộ Khối các cơ quan TP Hà Nội"]),
    dict(key="HN_CTR07", kind="CTr", number="07", issuer="hn-tu", term="hn-16",
         title="Chương trình 07 của Thành ủy Hà Nội (trích yếu không in trong nguồn)",
         aliases=["Chương trình 07 của Thành ủy Hà Nội"],
         note="Symbol 07-CTr/TU inferred (not printed in the corpus); the source links it to kiểm tra, giám sát."),
    dict(key="DIEULE", kind="ĐL", number="", issuer="tw-dh", term="tw-11",
         title="Điều lệ Đảng Cộng sản Việt Nam", aliases=["Điều lệ Đảng"]),
    dict(key="QCDC", kind="QC", family="state_admin", number="", issuer="nha-nuoc",
         title="Quy chế dân chủ ở cơ sở", aliases=["Quy chế dân chủ ở cơ sở"]),
]

# The corpus citation ids that name a set of documents rather than one.
DOCUMENT_SETS = {"TW678_XII": ["NQ18", "NQ19", "NQ26"]}

# people: key, name, positions [(org code, title, label)]
PEOPLE = [
    ("tat-thanh-cang", "Tất Thành Cang", [("HCM", "pho_bi_thu_tt", "Phó Bí thư Thường trực Thành ủy TP. Hồ Chí Minh")]),
    ("vu-huu-minh", "Vũ Hữu Minh", [("HCM-KDCD", "pho_bi_thu", "Phó Bí thư Đảng ủy Khối Dân - Chính - Đảng")]),
    ("nguyen-toan-thang", "Nguyễn Toàn Thắng", [
        ("HCM-KDCD-STNMT", "bi_thu", "Bí thư Đảng ủy Sở Tài nguyên và Môi trường"),
        ("HCM-KDCD-STNMT", "state", "Giám đốc Sở Tài nguyên và Môi trường TP. Hồ Chí Minh"),
    ]),
    ("ngo-thi-thanh-hang", "Ngô Thị Thanh Hằng", [
        ("TW", "uv_tw", "Ủy viên Trung ương Đảng"),
        ("HN", "pho_bi_thu_tt", "Phó Bí thư Thường trực Thành ủy Hà Nội"),
    ]),
    ("phung-khai-loi", "Phùng Khải Lợi", [("HN-KCQ", "pho_bi_thu_tt", "Phó Bí thư Thường trực Đảng ủy Khối các cơ quan TP Hà Nội")]),
]

# The three corpus texts as meetings and reports.
CORPUS_REPORTS = [
    dict(file="000_bcb5323768c904ad.txt", org="HCM-KDCD",
         meeting=dict(kind="plenum", term="kdcd-2", sequence=14, date=D(2018, 9, 14), year_inferred=True,
                      title="Hội nghị Ban Chấp hành Đảng bộ Khối lần thứ 14 — đánh giá giữa nhiệm kỳ 2015-2020",
                      participants=[("vu-huu-minh", "presenter"), ("tat-thanh-cang", "guest"), ("nguyen-toan-thang", "speaker")]),
         kind="midterm", period_kind="custom", period=(D(2015, 10, 1), D(2018, 8, 31)),
         title="Báo cáo đánh giá kết quả giữa nhiệm kỳ thực hiện Nghị quyết Đại hội Đảng bộ Khối Dân - Chính - Đảng lần thứ II"),
    dict(file="001_f23101a21aae722f.txt", org="HN-KCQ",
         meeting=dict(kind="plenum", term="hn-kcq-12", sequence=21, date=D(2019, 11, 14), year_inferred=True,
                      title="Hội nghị lần thứ 21 Ban Chấp hành Đảng bộ Khối các cơ quan TP Hà Nội khóa XII",
                      participants=[("phung-khai-loi", "presenter"), ("ngo-thi-thanh-hang", "guest")]),
         kind="periodic", period_kind="custom", period=(D(2019, 1, 1), D(2019, 10, 31)),
         title="Báo cáo kết quả công tác 10 tháng năm 2019, nhiệm vụ 2 tháng cuối năm"),
    dict(file="002_fed9d28645db49f0.txt", org="HCM", meeting=None,
         kind="periodic", period_kind="year", period=(D(2018, 1, 1), D(2018, 12, 31)),
         title="Kết quả công tác xây dựng đảng năm 2018 và nhiệm vụ trọng tâm năm 2019"),
]

# directive key, org code, frequency, reporter kind. Cells and grassroots cells (chi bộ cơ sở)
# are the units that meet monthly and report; the blocs and districts report on KL 21.
_CELL_ASSIGNMENTS = [
    ("CT05", "HCM", "month"), ("CT05", "HN", "month"),
    ("TW4_XII", "HCM", "quarter"), ("TW4_XII", "HN", "quarter"),
    ("NQ54QH", "HCM", "quarter"), ("NQ08TU", "HCM", "quarter"),
    ("HN_CTR07", "HN", "quarter"),
    ("KDCD_HCM_DH2", "HCM-KDCD", "half"), ("KCQ_HN_DH12", "HN-KCQ", "half"),
]
ASSIGNMENTS = [(key, org, freq, kind) for key, org, freq in _CELL_ASSIGNMENTS for kind in ("cell", "grassroots_cell")]
ASSIGNMENTS += [("KL21_2017", "HCM", "half", "bloc"), ("KL21_2017", "HCM", "half", "district")]

# directive key, org code or None, name, unit, value, deadline, aggregation
TARGETS = [
    ("KDCD_HCM_DH2", "HCM-KDCD", "Kết nạp đảng viên mới trong nhiệm kỳ", "đảng viên", 2000, D(2020, 9, 30), "sum"),
    ("KCQ_HN_DH12", "HN-KCQ", "Hoàn thành nhiệm vụ trọng tâm năm 2019", "nhiệm vụ", 22, D(2019, 12, 31), "latest"),
    ("CT05", "HCM", "Đảng viên đăng ký làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh", "đảng viên", 1500, D(2019, 12, 31), "sum"),
    ("TW4_XII", None, "Buổi sinh hoạt chuyên đề về Nghị quyết Trung ương 4 (khóa XII)", "buổi", 300, D(2019, 12, 31), "sum"),
]

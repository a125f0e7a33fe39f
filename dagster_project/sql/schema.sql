-- nianbao warehouse schema: the ONE place where tables, views and their comments are defined.
--
-- Layers (DuckDB schemas):
--   staging  the batch being loaded by the current run (filled from the parse step's Parquet, emptied on commit)
--   core     normalized tables, one row per fact, kept across runs
--   marts    aggregates rebuilt by every load, what the dashboard reads
--   main     views with the bare names people query (institutions, reports, finances, ...)
--
-- Applied idempotently by the pipeline before every load (CREATE ... IF NOT EXISTS / CREATE OR REPLACE VIEW).
-- The view columns inherit the comments of the table they select from (see loader.apply_schema).
-- Marts are created by marts.sql next to the assets; their comments are below as well.

CREATE SCHEMA IF NOT EXISTS staging;
CREATE SCHEMA IF NOT EXISTS core;
CREATE SCHEMA IF NOT EXISTS marts;

------------------------------------------------------------------------------------------------------------
-- staging: the output of transforms/tables.py for one batch (column names == the Arrow schemas there)
------------------------------------------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS staging.files (
    path VARCHAR, file_name VARCHAR, sha256 VARCHAR, size_bytes BIGINT, mtime_ns BIGINT,
    parse_status VARCHAR, reason VARCHAR, detail VARCHAR, format VARCHAR, encoding VARCHAR,
    content_key VARCHAR, report_id VARCHAR, institution_id VARCHAR, report_year INTEGER, report_date DATE,
    same_sha_as VARCHAR, quarantine_copy VARCHAR
);
CREATE TABLE IF NOT EXISTS staging.reports (
    report_id VARCHAR, sha256 VARCHAR, institution_id VARCHAR, report_year INTEGER, report_date DATE,
    source_path VARCHAR, file_name VARCHAR, format VARCHAR, encoding VARCHAR, file_mtime TIMESTAMP,
    content_key VARCHAR, name VARCHAR, uscc VARCHAR, uscc_valid BOOLEAN, legal_representative VARCHAR,
    address VARCHAR, province VARCHAR, city VARCHAR, district VARCHAR, admin_code VARCHAR, address_code VARCHAR,
    sponsor VARCHAR, funding_source VARCHAR, funding_source_category VARCHAR, purpose_scope VARCHAR,
    website_name VARCHAR, qualifications VARCHAR, awards_litigation VARCHAR, donations VARCHAR,
    problem_count INTEGER, error_count INTEGER, activity_count INTEGER, institution_kind VARCHAR
);
ALTER TABLE staging.reports ADD COLUMN IF NOT EXISTS institution_kind VARCHAR;  -- warehouses made before it
ALTER TABLE staging.reports ADD COLUMN IF NOT EXISTS address_code VARCHAR;
CREATE TABLE IF NOT EXISTS staging.finances (
    report_id VARCHAR, institution_id VARCHAR, report_year INTEGER, startup_capital_wan DOUBLE,
    net_assets_begin_wan DOUBLE, net_assets_end_wan DOUBLE, net_assets_change_wan DOUBLE, headcount INTEGER
);
CREATE TABLE IF NOT EXISTS staging.exchange_activities (
    activity_id VARCHAR, report_id VARCHAR, institution_id VARCHAR, report_year INTEGER, activity_no INTEGER,
    kind VARCHAR, direction VARCHAR, month INTEGER, participants INTEGER, person_times INTEGER,
    batches INTEGER, times INTEGER, events INTEGER, approximate BOOLEAN, partner_org VARCHAR,
    countries VARCHAR[], regions VARCHAR[], theme VARCHAR[], evidence VARCHAR, span_start INTEGER,
    span_end INTEGER
);
CREATE TABLE IF NOT EXISTS staging.activity_countries (activity_id VARCHAR, country_code VARCHAR);
CREATE TABLE IF NOT EXISTS staging.activity_localities (
    activity_id VARCHAR, locality_name VARCHAR, country_code VARCHAR
);
CREATE TABLE IF NOT EXISTS staging.report_sections (
    report_id VARCHAR, section_no INTEGER, section_name VARCHAR, text VARCHAR, start_offset INTEGER,
    end_offset INTEGER
);
CREATE TABLE IF NOT EXISTS staging.report_texts (report_id VARCHAR, narrative VARCHAR);
CREATE TABLE IF NOT EXISTS staging.registration_changes (
    report_id VARCHAR, change_no INTEGER, change_date DATE, what VARCHAR
);
CREATE TABLE IF NOT EXISTS staging.report_problems (
    report_id VARCHAR, problem_no INTEGER, field VARCHAR, severity VARCHAR, message VARCHAR
);

COMMENT ON TABLE staging.files IS '本批次的候选文件(每个文件一行,含解析状态) / Candidate files of the batch being loaded, one row each, with their parse status';
COMMENT ON COLUMN staging.files.path IS '文件路径(绝对路径) / Absolute file path';
COMMENT ON COLUMN staging.files.file_name IS '文件名 / File name';
COMMENT ON COLUMN staging.files.sha256 IS '文件内容的 SHA-256 / SHA-256 of the file bytes';
COMMENT ON COLUMN staging.files.size_bytes IS '文件大小(字节) / File size in bytes';
COMMENT ON COLUMN staging.files.mtime_ns IS '文件修改时间(纳秒) / File modification time, ns since epoch';
COMMENT ON COLUMN staging.files.parse_status IS '解析状态: parsed / unreadable / invalid / error / vanished / same_sha / Parse status';
COMMENT ON COLUMN staging.files.reason IS '未能解析或隔离的原因代码 / Reason code when not parsed or quarantined';
COMMENT ON COLUMN staging.files.detail IS '原因说明 / Human-readable detail of the reason';
COMMENT ON COLUMN staging.files.format IS '文件格式 txt/html/pdf/docx / Detected file format';
COMMENT ON COLUMN staging.files.encoding IS '文本编码 / Detected text encoding';
COMMENT ON COLUMN staging.files.content_key IS '规范化记录内容的哈希(判断内容重复) / Hash of the normalized record, detects same content in other bytes';
COMMENT ON COLUMN staging.files.report_id IS '报告标识 / Report id this file would become';
COMMENT ON COLUMN staging.files.institution_id IS '单位标识 / Institution id';
COMMENT ON COLUMN staging.files.report_year IS '报告年度 / Report year';
COMMENT ON COLUMN staging.files.report_date IS '报告日期 / Report signing/filing date';
COMMENT ON COLUMN staging.files.quarantine_copy IS '隔离副本路径 / Path of the copy kept for a quarantined file';
COMMENT ON COLUMN staging.files.same_sha_as IS '本批中内容相同的首个文件路径 / Path of the first file of the batch with the same bytes';
COMMENT ON TABLE staging.reports IS '本批次解析出的报告 / Reports parsed in the batch being loaded';
COMMENT ON COLUMN staging.reports.report_id IS '报告标识 / Report id';
COMMENT ON COLUMN staging.reports.sha256 IS '源文件 SHA-256 / Source file SHA-256';
COMMENT ON COLUMN staging.reports.institution_id IS '单位标识 / Institution id';
COMMENT ON COLUMN staging.reports.report_year IS '报告年度 / Report year';
COMMENT ON COLUMN staging.reports.report_date IS '报告日期 / Report date';
COMMENT ON COLUMN staging.reports.source_path IS '源文件路径 / Source file path';
COMMENT ON COLUMN staging.reports.file_name IS '源文件名 / Source file name';
COMMENT ON COLUMN staging.reports.format IS '文件格式 / File format';
COMMENT ON COLUMN staging.reports.encoding IS '文本编码 / Text encoding';
COMMENT ON COLUMN staging.reports.file_mtime IS '源文件修改时间 / Source file modification time';
COMMENT ON COLUMN staging.reports.content_key IS '规范化内容哈希 / Normalized content hash';
COMMENT ON COLUMN staging.reports.name IS '单位名称 / Institution name';
COMMENT ON COLUMN staging.reports.uscc IS '统一社会信用代码(原样) / Unified social credit code, verbatim';
COMMENT ON COLUMN staging.reports.uscc_valid IS '信用代码校验是否通过 / Whether the USCC checksum is valid';
COMMENT ON COLUMN staging.reports.legal_representative IS '法定代表人 / Legal representative';
COMMENT ON COLUMN staging.reports.address IS '住所 / Address';
COMMENT ON COLUMN staging.reports.province IS '省 / Province';
COMMENT ON COLUMN staging.reports.city IS '市 / City';
COMMENT ON COLUMN staging.reports.district IS '区县 / District';
COMMENT ON COLUMN staging.reports.admin_code IS '登记机关行政区划代码(信用代码第3-8位;无有效信用代码时为空) / Registration division code (USCC digits 3-8; null without a valid USCC)';
COMMENT ON COLUMN staging.reports.address_code IS '住所行政区划代码 / Division code of the address';
COMMENT ON COLUMN staging.reports.sponsor IS '举办单位 / Sponsor';
COMMENT ON COLUMN staging.reports.funding_source IS '经费来源 / Funding source';
COMMENT ON COLUMN staging.reports.funding_source_category IS '经费来源类别 / Funding source category';
COMMENT ON COLUMN staging.reports.purpose_scope IS '宗旨和业务范围 / Purpose and scope';
COMMENT ON COLUMN staging.reports.website_name IS '网站名称 / Website name';
COMMENT ON COLUMN staging.reports.qualifications IS '相关资质认可 / Qualifications';
COMMENT ON COLUMN staging.reports.awards_litigation IS '绩效和受奖惩及诉讼投诉情况 / Awards, penalties, litigation';
COMMENT ON COLUMN staging.reports.donations IS '接受捐赠以及使用情况 / Donations received and their use';
COMMENT ON COLUMN staging.reports.problem_count IS '抽取问题数 / Number of extraction problems';
COMMENT ON COLUMN staging.reports.error_count IS '错误级问题数 / Number of error-severity problems';
COMMENT ON COLUMN staging.reports.activity_count IS '对外交流活动数 / Number of exchange activities';
COMMENT ON COLUMN staging.reports.institution_kind IS '单位类别(由单位名称按规则判断) / Institution kind, from the name by keyword rules';
COMMENT ON TABLE staging.finances IS '本批次的财务行 / Finance rows of the batch';
COMMENT ON COLUMN staging.finances.report_id IS '报告标识 / Report id';
COMMENT ON COLUMN staging.finances.institution_id IS '单位标识 / Institution id';
COMMENT ON COLUMN staging.finances.report_year IS '报告年度 / Report year';
COMMENT ON COLUMN staging.finances.startup_capital_wan IS '开办资金(万元) / Startup capital, 10k CNY';
COMMENT ON COLUMN staging.finances.net_assets_begin_wan IS '净资产年初数(万元) / Net assets at year start, 10k CNY';
COMMENT ON COLUMN staging.finances.net_assets_end_wan IS '净资产期末数(万元) / Net assets at year end, 10k CNY';
COMMENT ON COLUMN staging.finances.net_assets_change_wan IS '净资产变动(万元) / Net assets change, 10k CNY';
COMMENT ON COLUMN staging.finances.headcount IS '从业人数 / Headcount';
COMMENT ON TABLE staging.exchange_activities IS '本批次的对外交流活动 / Exchange activities of the batch';
COMMENT ON COLUMN staging.exchange_activities.activity_id IS '活动标识 / Activity id';
COMMENT ON COLUMN staging.exchange_activities.report_id IS '报告标识 / Report id';
COMMENT ON COLUMN staging.exchange_activities.institution_id IS '单位标识 / Institution id';
COMMENT ON COLUMN staging.exchange_activities.report_year IS '报告年度 / Report year';
COMMENT ON COLUMN staging.exchange_activities.activity_no IS '报告内序号 / Ordinal within the report';
COMMENT ON COLUMN staging.exchange_activities.kind IS '活动类型 / Activity kind';
COMMENT ON COLUMN staging.exchange_activities.direction IS '方向 来访/出访 / Direction inbound/outbound';
COMMENT ON COLUMN staging.exchange_activities.month IS '月份 / Month';
COMMENT ON COLUMN staging.exchange_activities.participants IS '人数 / Participants';
COMMENT ON COLUMN staging.exchange_activities.person_times IS '人次 / Person-times';
COMMENT ON COLUMN staging.exchange_activities.batches IS '批次 / Batches';
COMMENT ON COLUMN staging.exchange_activities.times IS '次数 / Times';
COMMENT ON COLUMN staging.exchange_activities.events IS '场次 / Events';
COMMENT ON COLUMN staging.exchange_activities.approximate IS '数字是否为约数 / Whether the counts are approximate';
COMMENT ON COLUMN staging.exchange_activities.partner_org IS '合作机构 / Partner organisation';
COMMENT ON COLUMN staging.exchange_activities.countries IS '国家代码列表 / ISO country codes';
COMMENT ON COLUMN staging.exchange_activities.regions IS '地区列表 / Regions';
COMMENT ON COLUMN staging.exchange_activities.theme IS '主题列表 / Themes';
COMMENT ON COLUMN staging.exchange_activities.evidence IS '原文依据 / Evidence sentence';
COMMENT ON COLUMN staging.exchange_activities.span_start IS '依据起始偏移 / Evidence start offset in the narrative';
COMMENT ON COLUMN staging.exchange_activities.span_end IS '依据结束偏移 / Evidence end offset in the narrative';
COMMENT ON TABLE staging.activity_countries IS '本批次活动-国家 / Activity-country pairs of the batch';
COMMENT ON COLUMN staging.activity_countries.activity_id IS '活动标识 / Activity id';
COMMENT ON COLUMN staging.activity_countries.country_code IS '国家代码 / ISO 3166-1 alpha-2';
COMMENT ON TABLE staging.activity_localities IS '本批次活动-地点 / Activity-locality pairs of the batch';
COMMENT ON COLUMN staging.activity_localities.activity_id IS '活动标识 / Activity id';
COMMENT ON COLUMN staging.activity_localities.locality_name IS '外方地名 / Partner locality name';
COMMENT ON COLUMN staging.activity_localities.country_code IS '国家代码 / ISO 3166-1 alpha-2';
COMMENT ON TABLE staging.report_sections IS '本批次报告章节 / Report sections of the batch';
COMMENT ON COLUMN staging.report_sections.report_id IS '报告标识 / Report id';
COMMENT ON COLUMN staging.report_sections.section_no IS '章节序号 / Section ordinal';
COMMENT ON COLUMN staging.report_sections.section_name IS '章节名称 / Section name';
COMMENT ON COLUMN staging.report_sections.text IS '章节全文 / Section text';
COMMENT ON COLUMN staging.report_sections.start_offset IS '在叙述文本中的起始偏移 / Start offset in the narrative';
COMMENT ON COLUMN staging.report_sections.end_offset IS '在叙述文本中的结束偏移 / End offset in the narrative';
COMMENT ON TABLE staging.report_texts IS '本批次叙述全文 / Narrative texts of the batch';
COMMENT ON COLUMN staging.report_texts.report_id IS '报告标识 / Report id';
COMMENT ON COLUMN staging.report_texts.narrative IS '开展业务情况全文 / Narrative text';
COMMENT ON TABLE staging.registration_changes IS '本批次变更登记 / Registration changes of the batch';
COMMENT ON COLUMN staging.registration_changes.report_id IS '报告标识 / Report id';
COMMENT ON COLUMN staging.registration_changes.change_no IS '序号 / Ordinal';
COMMENT ON COLUMN staging.registration_changes.change_date IS '变更日期 / Change date';
COMMENT ON COLUMN staging.registration_changes.what IS '变更事项 / What changed';
COMMENT ON TABLE staging.report_problems IS '本批次抽取问题 / Extraction problems of the batch';
COMMENT ON COLUMN staging.report_problems.report_id IS '报告标识 / Report id';
COMMENT ON COLUMN staging.report_problems.problem_no IS '序号 / Ordinal';
COMMENT ON COLUMN staging.report_problems.field IS '字段 / Field';
COMMENT ON COLUMN staging.report_problems.severity IS '严重程度 error/warning / Severity';
COMMENT ON COLUMN staging.report_problems.message IS '说明 / Message';

------------------------------------------------------------------------------------------------------------
-- core
------------------------------------------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS core.ingest_files (
    path VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    file_name VARCHAR,
    size_bytes BIGINT,
    mtime_ns BIGINT,
    file_mtime TIMESTAMP,
    format VARCHAR,
    encoding VARCHAR,
    outcome VARCHAR NOT NULL,
    reason VARCHAR,
    detail VARCHAR,
    report_id VARCHAR,
    duplicate_of VARCHAR,
    superseded_by VARCHAR,
    first_seen_at TIMESTAMP NOT NULL,
    outcome_at TIMESTAMP NOT NULL,
    run_id VARCHAR,
    PRIMARY KEY (path, sha256)
);
COMMENT ON TABLE core.ingest_files IS '见过的每个文件及其唯一结果 loaded/duplicate/superseded/quarantined / Every file ever seen (path + content) and its one outcome';
COMMENT ON COLUMN core.ingest_files.path IS '文件路径(绝对路径) / Absolute file path';
COMMENT ON COLUMN core.ingest_files.sha256 IS '文件内容 SHA-256 / SHA-256 of the file bytes';
COMMENT ON COLUMN core.ingest_files.file_name IS '文件名 / File name';
COMMENT ON COLUMN core.ingest_files.size_bytes IS '文件大小(字节) / Size in bytes';
COMMENT ON COLUMN core.ingest_files.mtime_ns IS '修改时间(纳秒) / Modification time, ns since epoch';
COMMENT ON COLUMN core.ingest_files.file_mtime IS '修改时间 / Modification time (UTC)';
COMMENT ON COLUMN core.ingest_files.format IS '文件格式 / File format';
COMMENT ON COLUMN core.ingest_files.encoding IS '文本编码 / Text encoding';
COMMENT ON COLUMN core.ingest_files.outcome IS '结果: loaded 已入库 / duplicate 重复 / superseded 被更正报告取代 / quarantined 隔离 / Outcome';
COMMENT ON COLUMN core.ingest_files.reason IS '原因代码(如 same_sha256, same_content, later_report, unreadable) / Reason code';
COMMENT ON COLUMN core.ingest_files.detail IS '原因说明 / Human-readable detail';
COMMENT ON COLUMN core.ingest_files.report_id IS '对应报告(loaded/superseded) / Report made from this file';
COMMENT ON COLUMN core.ingest_files.duplicate_of IS '重复时: 原文件路径 / For duplicates: path of the original file';
COMMENT ON COLUMN core.ingest_files.superseded_by IS '被取代时: 取代它的报告 / For superseded files: the report that replaced it';
COMMENT ON COLUMN core.ingest_files.first_seen_at IS '首次发现时间 / First seen at (UTC)';
COMMENT ON COLUMN core.ingest_files.outcome_at IS '结果确定时间 / When the outcome was last set (UTC)';
COMMENT ON COLUMN core.ingest_files.run_id IS '首次处理的运行 / Run that first processed the file';

CREATE TABLE IF NOT EXISTS core.quarantine (
    path VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    file_name VARCHAR,
    reason VARCHAR NOT NULL,
    detail VARCHAR,
    copy_path VARCHAR,
    first_seen_at TIMESTAMP NOT NULL,
    run_id VARCHAR,
    PRIMARY KEY (path, sha256)
);
COMMENT ON TABLE core.quarantine IS '被隔离的文件及原因(原文件另存副本) / Quarantined files with the reason; a copy of the bytes is kept';
COMMENT ON COLUMN core.quarantine.path IS '文件路径 / File path';
COMMENT ON COLUMN core.quarantine.sha256 IS '文件内容 SHA-256 / SHA-256 of the file bytes';
COMMENT ON COLUMN core.quarantine.file_name IS '文件名 / File name';
COMMENT ON COLUMN core.quarantine.reason IS '原因代码 unreadable/no_report_year/missing_uscc/invalid_uscc/no_institution/extract_error/vanished / Reason code';
COMMENT ON COLUMN core.quarantine.detail IS '原因说明 / Human-readable detail';
COMMENT ON COLUMN core.quarantine.copy_path IS '隔离副本路径 / Path of the quarantined copy';
COMMENT ON COLUMN core.quarantine.first_seen_at IS '首次发现时间 / First seen at (UTC)';
COMMENT ON COLUMN core.quarantine.run_id IS '运行标识 / Run id';

CREATE TABLE IF NOT EXISTS core.reports (
    report_id VARCHAR PRIMARY KEY,
    institution_id VARCHAR NOT NULL,
    report_year INTEGER NOT NULL,
    report_date DATE,
    status VARCHAR NOT NULL,
    superseded_by VARCHAR,
    source_path VARCHAR NOT NULL,
    file_name VARCHAR,
    sha256 VARCHAR NOT NULL,
    format VARCHAR,
    encoding VARCHAR,
    file_mtime TIMESTAMP,
    content_key VARCHAR,
    name VARCHAR,
    uscc VARCHAR,
    uscc_valid BOOLEAN,
    legal_representative VARCHAR,
    address VARCHAR,
    province VARCHAR,
    city VARCHAR,
    district VARCHAR,
    admin_code VARCHAR,
    address_code VARCHAR,
    sponsor VARCHAR,
    funding_source VARCHAR,
    funding_source_category VARCHAR,
    purpose_scope VARCHAR,
    website_name VARCHAR,
    qualifications VARCHAR,
    awards_litigation VARCHAR,
    donations VARCHAR,
    problem_count INTEGER,
    error_count INTEGER,
    activity_count INTEGER,
    loaded_at TIMESTAMP,
    run_id VARCHAR,
    institution_kind VARCHAR
);
ALTER TABLE core.reports ADD COLUMN IF NOT EXISTS institution_kind VARCHAR;  -- warehouses made before it
ALTER TABLE core.reports ADD COLUMN IF NOT EXISTS address_code VARCHAR;
COMMENT ON TABLE core.reports IS '年度报告: 每个单位-年度一份 current,被更正的旧报告为 superseded 仍可查 / Annual reports: one current per institution-year, older corrected ones kept as superseded';
COMMENT ON COLUMN core.reports.report_id IS '报告标识 <年度>_<单位标识>_<sha256前12位> / Report id';
COMMENT ON COLUMN core.reports.institution_id IS '单位标识 / Institution id (see institutions)';
COMMENT ON COLUMN core.reports.report_year IS '报告年度(报告所涉年度) / Year the report covers';
COMMENT ON COLUMN core.reports.report_date IS '报告签署/报送日期 / Signing or filing date';
COMMENT ON COLUMN core.reports.status IS '状态 current 当前 / superseded 已被取代 / Status';
COMMENT ON COLUMN core.reports.superseded_by IS '取代本报告的报告 / Report that superseded this one';
COMMENT ON COLUMN core.reports.source_path IS '源文件路径 / Source file path';
COMMENT ON COLUMN core.reports.file_name IS '源文件名 / Source file name';
COMMENT ON COLUMN core.reports.sha256 IS '源文件 SHA-256 / Source file SHA-256';
COMMENT ON COLUMN core.reports.format IS '文件格式 txt/html/pdf/docx / File format';
COMMENT ON COLUMN core.reports.encoding IS '文本编码 / Text encoding';
COMMENT ON COLUMN core.reports.file_mtime IS '源文件修改时间 / Source file modification time (UTC)';
COMMENT ON COLUMN core.reports.content_key IS '规范化内容哈希 / Normalized content hash';
COMMENT ON COLUMN core.reports.name IS '单位名称(本报告所载) / Institution name as reported';
COMMENT ON COLUMN core.reports.uscc IS '统一社会信用代码(原样) / USCC, verbatim';
COMMENT ON COLUMN core.reports.uscc_valid IS '信用代码校验是否通过(无代码为空) / USCC checksum valid (null when missing)';
COMMENT ON COLUMN core.reports.legal_representative IS '法定代表人 / Legal representative';
COMMENT ON COLUMN core.reports.address IS '住所 / Address';
COMMENT ON COLUMN core.reports.province IS '省 / Province';
COMMENT ON COLUMN core.reports.city IS '市 / City';
COMMENT ON COLUMN core.reports.district IS '区县 / District';
COMMENT ON COLUMN core.reports.admin_code IS '登记机关行政区划代码(信用代码第3-8位;无有效信用代码时为空) / Registration division code (USCC digits 3-8; null without a valid USCC)';
COMMENT ON COLUMN core.reports.address_code IS '住所行政区划代码 / Division code of the address';
COMMENT ON COLUMN core.reports.sponsor IS '举办单位 / Sponsor';
COMMENT ON COLUMN core.reports.funding_source IS '经费来源 / Funding source';
COMMENT ON COLUMN core.reports.funding_source_category IS '经费来源类别 / Funding source category';
COMMENT ON COLUMN core.reports.purpose_scope IS '宗旨和业务范围 / Purpose and scope';
COMMENT ON COLUMN core.reports.website_name IS '网站名称 / Website name';
COMMENT ON COLUMN core.reports.qualifications IS '相关资质认可 / Qualifications';
COMMENT ON COLUMN core.reports.awards_litigation IS '绩效和受奖惩及诉讼投诉情况 / Awards, penalties, litigation';
COMMENT ON COLUMN core.reports.donations IS '接受捐赠以及使用情况 / Donations';
COMMENT ON COLUMN core.reports.problem_count IS '抽取问题数 / Extraction problems';
COMMENT ON COLUMN core.reports.error_count IS '错误级问题数 / Error-severity problems';
COMMENT ON COLUMN core.reports.activity_count IS '对外交流活动数 / Exchange activities';
COMMENT ON COLUMN core.reports.loaded_at IS '入库时间 / Loaded at (UTC)';
COMMENT ON COLUMN core.reports.run_id IS '入库运行 / Run that loaded it';
COMMENT ON COLUMN core.reports.institution_kind IS '单位类别(由本报告的单位名称判断: 医院、高校、中小学、对外友协……其他) / Institution kind from this report''s name (transforms/data/institution_kind_rules.csv)';

CREATE TABLE IF NOT EXISTS core.institutions (
    institution_id VARCHAR PRIMARY KEY,
    uscc VARCHAR,
    uscc_valid BOOLEAN,
    name VARCHAR,
    former_names VARCHAR[],
    legal_representative VARCHAR,
    address VARCHAR,
    province VARCHAR,
    city VARCHAR,
    district VARCHAR,
    admin_code VARCHAR,
    sponsor VARCHAR,
    funding_source VARCHAR,
    funding_source_category VARCHAR,
    purpose_scope VARCHAR,
    website_name VARCHAR,
    first_year INTEGER,
    last_year INTEGER,
    report_count INTEGER,
    kind VARCHAR
);
ALTER TABLE core.institutions ADD COLUMN IF NOT EXISTS kind VARCHAR;  -- warehouses made before it
COMMENT ON TABLE core.institutions IS '事业单位(取最近一期报告的信息) / Public institutions, attributes from their latest current report';
COMMENT ON COLUMN core.institutions.institution_id IS '单位标识: 有效信用代码,否则 X- 开头的稳定代理键 / Valid USCC, else a stable surrogate starting with X-';
COMMENT ON COLUMN core.institutions.uscc IS '统一社会信用代码(原样) / USCC, verbatim';
COMMENT ON COLUMN core.institutions.uscc_valid IS '信用代码校验是否通过 / USCC checksum valid';
COMMENT ON COLUMN core.institutions.name IS '单位名称(最新) / Latest name';
COMMENT ON COLUMN core.institutions.former_names IS '曾用名 / Former names';
COMMENT ON COLUMN core.institutions.legal_representative IS '法定代表人(最新) / Latest legal representative';
COMMENT ON COLUMN core.institutions.address IS '住所(最新) / Latest address';
COMMENT ON COLUMN core.institutions.province IS '省 / Province';
COMMENT ON COLUMN core.institutions.city IS '市 / City';
COMMENT ON COLUMN core.institutions.district IS '区县 / District';
COMMENT ON COLUMN core.institutions.admin_code IS '行政区划代码 / Administrative division code';
COMMENT ON COLUMN core.institutions.sponsor IS '举办单位(最新) / Latest sponsor';
COMMENT ON COLUMN core.institutions.funding_source IS '经费来源(最新) / Latest funding source';
COMMENT ON COLUMN core.institutions.funding_source_category IS '经费来源类别 / Funding source category';
COMMENT ON COLUMN core.institutions.purpose_scope IS '宗旨和业务范围 / Purpose and scope';
COMMENT ON COLUMN core.institutions.website_name IS '网站名称 / Website name';
COMMENT ON COLUMN core.institutions.first_year IS '最早报告年度 / First report year';
COMMENT ON COLUMN core.institutions.last_year IS '最近报告年度 / Last report year';
COMMENT ON COLUMN core.institutions.report_count IS '当前报告数 / Number of current reports';
COMMENT ON COLUMN core.institutions.kind IS '单位类别(由最新名称按关键词规则判断,如 医院、高校、中小学、对外友协、外事服务、科研院所;无法判断为 其他) / Institution kind from its latest name by keyword rules (transforms/data/institution_kind_rules.csv); 其他 when no rule matches';

CREATE TABLE IF NOT EXISTS core.institution_history (
    institution_id VARCHAR NOT NULL,
    version_no INTEGER NOT NULL,
    name VARCHAR,
    legal_representative VARCHAR,
    sponsor VARCHAR,
    address VARCHAR,
    funding_source VARCHAR,
    valid_from INTEGER NOT NULL,
    valid_to INTEGER NOT NULL,
    first_report_id VARCHAR,
    PRIMARY KEY (institution_id, version_no)
);
COMMENT ON TABLE core.institution_history IS '单位登记信息的历史版本(任一项变化即新版本) / Versions of an institution''s registered attributes, a new row whenever one changes';
COMMENT ON COLUMN core.institution_history.institution_id IS '单位标识 / Institution id';
COMMENT ON COLUMN core.institution_history.version_no IS '版本序号(从 1 开始) / Version number from 1';
COMMENT ON COLUMN core.institution_history.name IS '单位名称 / Name';
COMMENT ON COLUMN core.institution_history.legal_representative IS '法定代表人 / Legal representative';
COMMENT ON COLUMN core.institution_history.sponsor IS '举办单位 / Sponsor';
COMMENT ON COLUMN core.institution_history.address IS '住所 / Address';
COMMENT ON COLUMN core.institution_history.funding_source IS '经费来源 / Funding source';
COMMENT ON COLUMN core.institution_history.valid_from IS '起始年度(含) / First report year, inclusive';
COMMENT ON COLUMN core.institution_history.valid_to IS '截止年度(含) / Last report year, inclusive';
COMMENT ON COLUMN core.institution_history.first_report_id IS '首次出现该版本的报告 / Report where this version first appears';

CREATE TABLE IF NOT EXISTS core.finances (
    report_id VARCHAR PRIMARY KEY,
    institution_id VARCHAR NOT NULL,
    report_year INTEGER NOT NULL,
    report_status VARCHAR NOT NULL,
    startup_capital_wan DOUBLE,
    net_assets_begin_wan DOUBLE,
    net_assets_end_wan DOUBLE,
    net_assets_change_wan DOUBLE,
    headcount INTEGER
);
COMMENT ON TABLE core.finances IS '财务: 每份报告一行,金额单位万元 / Finances, one row per report, money in 10k CNY';
COMMENT ON COLUMN core.finances.report_id IS '报告标识 / Report id';
COMMENT ON COLUMN core.finances.institution_id IS '单位标识 / Institution id';
COMMENT ON COLUMN core.finances.report_year IS '报告年度 / Report year';
COMMENT ON COLUMN core.finances.report_status IS '报告状态 current/superseded(统计时取 current) / Report status; aggregate current only';
COMMENT ON COLUMN core.finances.startup_capital_wan IS '开办资金(万元) / Startup capital, 10k CNY';
COMMENT ON COLUMN core.finances.net_assets_begin_wan IS '净资产年初数(万元) / Net assets at year start, 10k CNY';
COMMENT ON COLUMN core.finances.net_assets_end_wan IS '净资产期末数(万元) / Net assets at year end, 10k CNY';
COMMENT ON COLUMN core.finances.net_assets_change_wan IS '净资产变动 = 期末 - 年初(万元) / End minus begin, 10k CNY';
COMMENT ON COLUMN core.finances.headcount IS '从业人数 / Headcount';

CREATE TABLE IF NOT EXISTS core.exchange_activities (
    activity_id VARCHAR PRIMARY KEY,
    report_id VARCHAR NOT NULL,
    institution_id VARCHAR NOT NULL,
    report_year INTEGER NOT NULL,
    report_status VARCHAR NOT NULL,
    activity_no INTEGER NOT NULL,
    kind VARCHAR,
    direction VARCHAR,
    month INTEGER,
    participants INTEGER,
    person_times INTEGER,
    batches INTEGER,
    times INTEGER,
    events INTEGER,
    approximate BOOLEAN,
    partner_org VARCHAR,
    countries VARCHAR[],
    regions VARCHAR[],
    theme VARCHAR[],
    evidence VARCHAR,
    span_start INTEGER,
    span_end INTEGER
);
COMMENT ON TABLE core.exchange_activities IS '对外交流活动: 每项活动一行,附原文依据 / Exchange activities, one per activity, with the evidence sentence';
COMMENT ON COLUMN core.exchange_activities.activity_id IS '活动标识 <报告标识>_<序号> / Activity id';
COMMENT ON COLUMN core.exchange_activities.report_id IS '报告标识 / Report id';
COMMENT ON COLUMN core.exchange_activities.institution_id IS '单位标识 / Institution id';
COMMENT ON COLUMN core.exchange_activities.report_year IS '报告年度 / Report year';
COMMENT ON COLUMN core.exchange_activities.report_status IS '报告状态 current/superseded / Report status';
COMMENT ON COLUMN core.exchange_activities.activity_no IS '报告内序号(从 1 开始) / Ordinal within the report';
COMMENT ON COLUMN core.exchange_activities.kind IS '类型 visit/plan/hosted_event/online_event/agreement/liaison/project/local_foreigners_event/other / Kind';
COMMENT ON COLUMN core.exchange_activities.direction IS '方向 inbound 来访 / outbound 出访(仅 visit) / Direction, visits only';
COMMENT ON COLUMN core.exchange_activities.month IS '月份 1-12 / Month';
COMMENT ON COLUMN core.exchange_activities.participants IS '人数 / Participants';
COMMENT ON COLUMN core.exchange_activities.person_times IS '人次 / Person-times';
COMMENT ON COLUMN core.exchange_activities.batches IS '批次 / Batches';
COMMENT ON COLUMN core.exchange_activities.times IS '次数 / Times';
COMMENT ON COLUMN core.exchange_activities.events IS '场次 / Events';
COMMENT ON COLUMN core.exchange_activities.approximate IS '数字是否为约数 / Counts are approximate';
COMMENT ON COLUMN core.exchange_activities.partner_org IS '合作机构 / Partner organisation';
COMMENT ON COLUMN core.exchange_activities.countries IS '国家代码列表(另见 activity_countries) / ISO country codes';
COMMENT ON COLUMN core.exchange_activities.regions IS '地区 HK/MO/TW/ASEAN/EU/... / Regions';
COMMENT ON COLUMN core.exchange_activities.theme IS '主题 youth/education/culture/... / Themes';
COMMENT ON COLUMN core.exchange_activities.evidence IS '原文依据(= 叙述文本[span_start:span_end]) / Evidence sentence, narrative[span_start:span_end]';
COMMENT ON COLUMN core.exchange_activities.span_start IS '依据在叙述文本中的起始偏移(字符,从 0) / Start character offset in report_texts.narrative, 0-based';
COMMENT ON COLUMN core.exchange_activities.span_end IS '依据结束偏移(不含) / End character offset, exclusive';

CREATE TABLE IF NOT EXISTS core.activity_countries (
    activity_id VARCHAR NOT NULL,
    country_code VARCHAR NOT NULL,
    PRIMARY KEY (activity_id, country_code)
);
COMMENT ON TABLE core.activity_countries IS '活动-国家桥表 / Bridge: activity to country';
COMMENT ON COLUMN core.activity_countries.activity_id IS '活动标识 / Activity id';
COMMENT ON COLUMN core.activity_countries.country_code IS '国家代码 ISO 3166-1 alpha-2 / Country code';

CREATE TABLE IF NOT EXISTS core.activity_localities (
    activity_id VARCHAR NOT NULL,
    locality_id VARCHAR NOT NULL,
    locality_name VARCHAR NOT NULL,
    country_code VARCHAR
);
COMMENT ON TABLE core.activity_localities IS '活动-外方地点桥表 / Bridge: activity to partner locality';
COMMENT ON COLUMN core.activity_localities.activity_id IS '活动标识 / Activity id';
COMMENT ON COLUMN core.activity_localities.locality_id IS '地点标识 <国家>:<名称> / Locality id';
COMMENT ON COLUMN core.activity_localities.locality_name IS '地名 / Locality name';
COMMENT ON COLUMN core.activity_localities.country_code IS '国家代码 / Country code';

CREATE TABLE IF NOT EXISTS core.countries (
    country_code VARCHAR PRIMARY KEY,
    name_zh VARCHAR NOT NULL,
    name_en VARCHAR NOT NULL,
    official_name_zh VARCHAR,
    official_name_en VARCHAR,
    alpha3 VARCHAR
);
COMMENT ON TABLE core.countries IS '国家和地区名称(中英文),按代码连接 activity_countries 等 / Country and region names, Chinese and English, to join on country_code';
COMMENT ON COLUMN core.countries.country_code IS '国家代码 ISO 3166-1 alpha-2 / Country code';
COMMENT ON COLUMN core.countries.name_zh IS '中文简称(报告和外交部网站的写法,如 韩国) / Chinese short name as reports write it';
COMMENT ON COLUMN core.countries.name_en IS '英文名 / English name';
COMMENT ON COLUMN core.countries.official_name_zh IS '中文正式名称(如 大韩民国) / Chinese official name';
COMMENT ON COLUMN core.countries.official_name_en IS '英文正式名称 / English official name';
COMMENT ON COLUMN core.countries.alpha3 IS 'ISO 3166-1 alpha-3 代码 / Alpha-3 code';

CREATE TABLE IF NOT EXISTS core.partner_localities (
    locality_id VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL,
    country_code VARCHAR,
    first_year INTEGER,
    last_year INTEGER,
    activity_count INTEGER,
    institution_count INTEGER
);
COMMENT ON TABLE core.partner_localities IS '外方地点(友城等),据当前报告 / Partner localities (sister cities etc.) seen in current reports';
COMMENT ON COLUMN core.partner_localities.locality_id IS '地点标识 <国家>:<名称> / Locality id';
COMMENT ON COLUMN core.partner_localities.name IS '地名 / Name';
COMMENT ON COLUMN core.partner_localities.country_code IS '国家代码 / Country code';
COMMENT ON COLUMN core.partner_localities.first_year IS '首次出现年度 / First year seen';
COMMENT ON COLUMN core.partner_localities.last_year IS '最近出现年度 / Last year seen';
COMMENT ON COLUMN core.partner_localities.activity_count IS '相关活动数 / Activities';
COMMENT ON COLUMN core.partner_localities.institution_count IS '相关单位数 / Institutions';

CREATE TABLE IF NOT EXISTS core.report_sections (
    report_id VARCHAR NOT NULL,
    section_no INTEGER NOT NULL,
    section_name VARCHAR,
    text VARCHAR,
    start_offset INTEGER,
    end_offset INTEGER,
    PRIMARY KEY (report_id, section_no)
);
COMMENT ON TABLE core.report_sections IS '报告章节全文(开展业务情况各部分) / Full text of the report''s narrative sections';
COMMENT ON COLUMN core.report_sections.report_id IS '报告标识 / Report id';
COMMENT ON COLUMN core.report_sections.section_no IS '章节序号(文档顺序,从 1) / Section ordinal in document order';
COMMENT ON COLUMN core.report_sections.section_name IS '章节名称(如 基本情况) / Section name';
COMMENT ON COLUMN core.report_sections.text IS '章节全文 / Section text';
COMMENT ON COLUMN core.report_sections.start_offset IS '在叙述文本中的起始偏移 / Start offset in the narrative';
COMMENT ON COLUMN core.report_sections.end_offset IS '在叙述文本中的结束偏移(不含) / End offset, exclusive';

CREATE TABLE IF NOT EXISTS core.report_texts (report_id VARCHAR PRIMARY KEY, narrative VARCHAR);
COMMENT ON TABLE core.report_texts IS '报告叙述全文(活动 span 的偏移基准) / Narrative text of each report; activity spans index into it';
COMMENT ON COLUMN core.report_texts.report_id IS '报告标识 / Report id';
COMMENT ON COLUMN core.report_texts.narrative IS '开展业务情况全文(各章节以换行连接) / Narrative: section texts joined by newline';

CREATE TABLE IF NOT EXISTS core.registration_changes (
    report_id VARCHAR NOT NULL,
    change_no INTEGER NOT NULL,
    change_date DATE,
    what VARCHAR,
    PRIMARY KEY (report_id, change_no)
);
COMMENT ON TABLE core.registration_changes IS '变更登记执行情况 / Registration changes stated in the report';
COMMENT ON COLUMN core.registration_changes.report_id IS '报告标识 / Report id';
COMMENT ON COLUMN core.registration_changes.change_no IS '序号 / Ordinal';
COMMENT ON COLUMN core.registration_changes.change_date IS '变更日期 / Change date';
COMMENT ON COLUMN core.registration_changes.what IS '变更事项 / What changed';

CREATE TABLE IF NOT EXISTS core.report_problems (
    report_id VARCHAR NOT NULL,
    problem_no INTEGER NOT NULL,
    field VARCHAR,
    severity VARCHAR,
    message VARCHAR,
    PRIMARY KEY (report_id, problem_no)
);
COMMENT ON TABLE core.report_problems IS '抽取时发现的问题 / Problems found while extracting the report';
COMMENT ON COLUMN core.report_problems.report_id IS '报告标识 / Report id';
COMMENT ON COLUMN core.report_problems.problem_no IS '序号 / Ordinal';
COMMENT ON COLUMN core.report_problems.field IS '字段 / Field';
COMMENT ON COLUMN core.report_problems.severity IS '严重程度 error/warning / Severity';
COMMENT ON COLUMN core.report_problems.message IS '说明 / Message';

CREATE TABLE IF NOT EXISTS core.data_quality (
    run_id VARCHAR NOT NULL,
    checked_at TIMESTAMP NOT NULL,
    check_name VARCHAR NOT NULL,
    asset VARCHAR NOT NULL,
    passed BOOLEAN NOT NULL,
    severity VARCHAR NOT NULL,
    metric DOUBLE,
    threshold DOUBLE,
    checked_count BIGINT,
    failing_count BIGINT,
    description VARCHAR,
    PRIMARY KEY (run_id, check_name)
);
COMMENT ON TABLE core.data_quality IS '数据质量检查结果(每次入库一组,同 Dagster asset checks) / Data-quality check results, one set per load, same as the Dagster asset checks';
COMMENT ON COLUMN core.data_quality.run_id IS '运行标识 / Run id';
COMMENT ON COLUMN core.data_quality.checked_at IS '检查时间 / Checked at (UTC)';
COMMENT ON COLUMN core.data_quality.check_name IS '检查名称 / Check name';
COMMENT ON COLUMN core.data_quality.asset IS '被检查的资产 / Checked asset';
COMMENT ON COLUMN core.data_quality.passed IS '是否通过 / Passed';
COMMENT ON COLUMN core.data_quality.severity IS '未通过时的级别 WARN/ERROR / Severity when failing';
COMMENT ON COLUMN core.data_quality.metric IS '指标值(比率或计数) / Metric value (rate or count)';
COMMENT ON COLUMN core.data_quality.threshold IS '阈值 / Threshold';
COMMENT ON COLUMN core.data_quality.checked_count IS '检查的行数 / Rows checked';
COMMENT ON COLUMN core.data_quality.failing_count IS '未通过的行数 / Rows failing';
COMMENT ON COLUMN core.data_quality.description IS '检查说明 / What the check means';

CREATE TABLE IF NOT EXISTS core.data_quality_issues (
    check_name VARCHAR NOT NULL,
    report_id VARCHAR,
    institution_id VARCHAR,
    report_year INTEGER,
    detail VARCHAR
);
COMMENT ON TABLE core.data_quality_issues IS '最近一次检查中未通过的具体行 / Rows failing a check in the latest load';
COMMENT ON COLUMN core.data_quality_issues.check_name IS '检查名称 / Check name';
COMMENT ON COLUMN core.data_quality_issues.report_id IS '报告标识 / Report id';
COMMENT ON COLUMN core.data_quality_issues.institution_id IS '单位标识 / Institution id';
COMMENT ON COLUMN core.data_quality_issues.report_year IS '报告年度 / Report year';
COMMENT ON COLUMN core.data_quality_issues.detail IS '说明 / Detail';

CREATE TABLE IF NOT EXISTS core.ingest_runs (
    run_id VARCHAR PRIMARY KEY,
    warehouse_version INTEGER NOT NULL,
    started_at TIMESTAMP,
    finished_at TIMESTAMP,
    files_new BIGINT,
    loaded BIGINT,
    duplicate BIGINT,
    superseded BIGINT,
    quarantined BIGINT,
    previously_loaded_superseded BIGINT
);
COMMENT ON TABLE core.ingest_runs IS '每次改变了仓库的入库运行 / Every ingest run that changed the warehouse';
COMMENT ON COLUMN core.ingest_runs.run_id IS 'Dagster 运行标识 / Dagster run id';
COMMENT ON COLUMN core.ingest_runs.warehouse_version IS '仓库版本(每次提交加一) / Warehouse version, +1 per commit';
COMMENT ON COLUMN core.ingest_runs.started_at IS '开始时间 / Started at (UTC)';
COMMENT ON COLUMN core.ingest_runs.finished_at IS '提交时间 / Committed at (UTC)';
COMMENT ON COLUMN core.ingest_runs.files_new IS '本次新文件数 / New files in this run';
COMMENT ON COLUMN core.ingest_runs.loaded IS '已入库 / Loaded';
COMMENT ON COLUMN core.ingest_runs.duplicate IS '重复 / Duplicate';
COMMENT ON COLUMN core.ingest_runs.superseded IS '本次新文件中被取代 / New files superseded';
COMMENT ON COLUMN core.ingest_runs.quarantined IS '隔离 / Quarantined';
COMMENT ON COLUMN core.ingest_runs.previously_loaded_superseded IS '此前已入库、本次被更正报告取代的文件 / Earlier files superseded by this run';

------------------------------------------------------------------------------------------------------------
-- marts (rebuilt by marts.sql on every load; declared here so they exist and are documented from the start)
------------------------------------------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS marts.finance_trends (
    institution_id VARCHAR, report_year INTEGER, report_id VARCHAR, name VARCHAR, province VARCHAR,
    city VARCHAR, sponsor VARCHAR, funding_source_category VARCHAR, startup_capital_wan DOUBLE,
    net_assets_begin_wan DOUBLE, net_assets_end_wan DOUBLE, net_assets_change_wan DOUBLE, headcount INTEGER,
    prev_net_assets_end_wan DOUBLE, continuity_gap_wan DOUBLE, continuity_break BOOLEAN
);
COMMENT ON TABLE marts.finance_trends IS '各单位逐年财务(当前报告)及连续性 / Yearly finances per institution (current reports) with continuity';
COMMENT ON COLUMN marts.finance_trends.institution_id IS '单位标识 / Institution id';
COMMENT ON COLUMN marts.finance_trends.report_year IS '报告年度 / Report year';
COMMENT ON COLUMN marts.finance_trends.report_id IS '报告标识 / Report id';
COMMENT ON COLUMN marts.finance_trends.name IS '单位名称(本年) / Name that year';
COMMENT ON COLUMN marts.finance_trends.province IS '省 / Province';
COMMENT ON COLUMN marts.finance_trends.city IS '市 / City';
COMMENT ON COLUMN marts.finance_trends.sponsor IS '举办单位 / Sponsor';
COMMENT ON COLUMN marts.finance_trends.funding_source_category IS '经费来源类别 / Funding source category';
COMMENT ON COLUMN marts.finance_trends.startup_capital_wan IS '开办资金(万元) / Startup capital';
COMMENT ON COLUMN marts.finance_trends.net_assets_begin_wan IS '年初数(万元) / Net assets, start of year';
COMMENT ON COLUMN marts.finance_trends.net_assets_end_wan IS '期末数(万元) / Net assets, end of year';
COMMENT ON COLUMN marts.finance_trends.net_assets_change_wan IS '变动(万元) / Change';
COMMENT ON COLUMN marts.finance_trends.headcount IS '从业人数 / Headcount';
COMMENT ON COLUMN marts.finance_trends.prev_net_assets_end_wan IS '上一年度期末数(万元) / Previous year''s end value';
COMMENT ON COLUMN marts.finance_trends.continuity_gap_wan IS '本年年初数 - 上年期末数(万元) / Begin minus previous end';
COMMENT ON COLUMN marts.finance_trends.continuity_break IS '连续性断裂(超出容差) / Continuity break beyond tolerance';

CREATE TABLE IF NOT EXISTS marts.finance_yearly (
    report_year INTEGER, reports BIGINT, institutions BIGINT, net_assets_begin_total_wan DOUBLE,
    net_assets_end_total_wan DOUBLE, net_assets_end_median_wan DOUBLE, startup_capital_total_wan DOUBLE,
    headcount_total BIGINT, continuity_breaks BIGINT
);
COMMENT ON TABLE marts.finance_yearly IS '逐年财务汇总(当前报告) / Finance totals per year, current reports';
COMMENT ON COLUMN marts.finance_yearly.report_year IS '报告年度 / Report year';
COMMENT ON COLUMN marts.finance_yearly.reports IS '报告数 / Reports';
COMMENT ON COLUMN marts.finance_yearly.institutions IS '单位数 / Institutions';
COMMENT ON COLUMN marts.finance_yearly.net_assets_begin_total_wan IS '年初数合计(万元) / Total net assets, start';
COMMENT ON COLUMN marts.finance_yearly.net_assets_end_total_wan IS '期末数合计(万元) / Total net assets, end';
COMMENT ON COLUMN marts.finance_yearly.net_assets_end_median_wan IS '期末数中位数(万元) / Median net assets, end';
COMMENT ON COLUMN marts.finance_yearly.startup_capital_total_wan IS '开办资金合计(万元) / Total startup capital';
COMMENT ON COLUMN marts.finance_yearly.headcount_total IS '从业人数合计 / Total headcount';
COMMENT ON COLUMN marts.finance_yearly.continuity_breaks IS '连续性断裂数 / Continuity breaks';

CREATE TABLE IF NOT EXISTS marts.activities_by_country_year (
    country_code VARCHAR, report_year INTEGER, direction VARCHAR, kind VARCHAR, activities BIGINT,
    institutions BIGINT, participants BIGINT, person_times BIGINT
);
COMMENT ON TABLE marts.activities_by_country_year IS '按国家、年度、方向、类型汇总的活动(当前报告) / Activities per country, year, direction and kind';
COMMENT ON COLUMN marts.activities_by_country_year.country_code IS '国家代码 / Country code';
COMMENT ON COLUMN marts.activities_by_country_year.report_year IS '报告年度 / Report year';
COMMENT ON COLUMN marts.activities_by_country_year.direction IS '方向(非访问为空) / Direction (null unless visit)';
COMMENT ON COLUMN marts.activities_by_country_year.kind IS '活动类型 / Kind';
COMMENT ON COLUMN marts.activities_by_country_year.activities IS '活动数 / Activities';
COMMENT ON COLUMN marts.activities_by_country_year.institutions IS '单位数 / Institutions';
COMMENT ON COLUMN marts.activities_by_country_year.participants IS '人数合计 / Participants total';
COMMENT ON COLUMN marts.activities_by_country_year.person_times IS '人次合计 / Person-times total';

CREATE TABLE IF NOT EXISTS marts.top_partner_localities (
    rank BIGINT, locality_id VARCHAR, name VARCHAR, country_code VARCHAR, activities BIGINT,
    institutions BIGINT, first_year INTEGER, last_year INTEGER
);
COMMENT ON TABLE marts.top_partner_localities IS '外方地点排行 / Partner localities ranked by activities';
COMMENT ON COLUMN marts.top_partner_localities.rank IS '名次 / Rank';
COMMENT ON COLUMN marts.top_partner_localities.locality_id IS '地点标识 / Locality id';
COMMENT ON COLUMN marts.top_partner_localities.name IS '地名 / Name';
COMMENT ON COLUMN marts.top_partner_localities.country_code IS '国家代码 / Country code';
COMMENT ON COLUMN marts.top_partner_localities.activities IS '活动数 / Activities';
COMMENT ON COLUMN marts.top_partner_localities.institutions IS '单位数 / Institutions';
COMMENT ON COLUMN marts.top_partner_localities.first_year IS '首次年度 / First year';
COMMENT ON COLUMN marts.top_partner_localities.last_year IS '最近年度 / Last year';

CREATE TABLE IF NOT EXISTS marts.file_outcomes (outcome VARCHAR, reason VARCHAR, files BIGINT);
COMMENT ON TABLE marts.file_outcomes IS '文件结果统计 / Files by outcome and reason';
COMMENT ON COLUMN marts.file_outcomes.outcome IS '结果 / Outcome';
COMMENT ON COLUMN marts.file_outcomes.reason IS '原因 / Reason';
COMMENT ON COLUMN marts.file_outcomes.files IS '文件数 / Files';

CREATE TABLE IF NOT EXISTS marts.quality_summary (
    check_name VARCHAR, asset VARCHAR, passed BOOLEAN, severity VARCHAR, metric DOUBLE, threshold DOUBLE,
    checked_count BIGINT, failing_count BIGINT, description VARCHAR, checked_at TIMESTAMP, run_id VARCHAR
);
COMMENT ON TABLE marts.quality_summary IS '最近一次质量检查结果 / Latest result of every data-quality check';
COMMENT ON COLUMN marts.quality_summary.check_name IS '检查名称 / Check name';
COMMENT ON COLUMN marts.quality_summary.asset IS '资产 / Asset';
COMMENT ON COLUMN marts.quality_summary.passed IS '是否通过 / Passed';
COMMENT ON COLUMN marts.quality_summary.severity IS '级别 / Severity';
COMMENT ON COLUMN marts.quality_summary.metric IS '指标 / Metric';
COMMENT ON COLUMN marts.quality_summary.threshold IS '阈值 / Threshold';
COMMENT ON COLUMN marts.quality_summary.checked_count IS '检查行数 / Rows checked';
COMMENT ON COLUMN marts.quality_summary.failing_count IS '未通过行数 / Rows failing';
COMMENT ON COLUMN marts.quality_summary.description IS '说明 / Description';
COMMENT ON COLUMN marts.quality_summary.checked_at IS '检查时间 / Checked at';
COMMENT ON COLUMN marts.quality_summary.run_id IS '运行标识 / Run id';

CREATE TABLE IF NOT EXISTS marts.overview (
    institutions BIGINT, reports BIGINT, superseded_reports BIGINT, first_year INTEGER, last_year INTEGER,
    activities BIGINT, countries BIGINT, partner_localities BIGINT, files_seen BIGINT,
    files_quarantined BIGINT, warehouse_version INTEGER, last_ingest_at TIMESTAMP
);
COMMENT ON TABLE marts.overview IS '概览(一行) / Overview, one row';
COMMENT ON COLUMN marts.overview.institutions IS '单位数 / Institutions';
COMMENT ON COLUMN marts.overview.reports IS '当前报告数 / Current reports';
COMMENT ON COLUMN marts.overview.superseded_reports IS '被取代报告数 / Superseded reports';
COMMENT ON COLUMN marts.overview.first_year IS '最早年度 / First year';
COMMENT ON COLUMN marts.overview.last_year IS '最近年度 / Last year';
COMMENT ON COLUMN marts.overview.activities IS '活动数 / Activities';
COMMENT ON COLUMN marts.overview.countries IS '国家数 / Countries';
COMMENT ON COLUMN marts.overview.partner_localities IS '外方地点数 / Partner localities';
COMMENT ON COLUMN marts.overview.files_seen IS '见过的文件数 / Files seen';
COMMENT ON COLUMN marts.overview.files_quarantined IS '隔离文件数 / Files quarantined';
COMMENT ON COLUMN marts.overview.warehouse_version IS '仓库版本 / Warehouse version';
COMMENT ON COLUMN marts.overview.last_ingest_at IS '最近入库时间 / Last ingest at (UTC)';

------------------------------------------------------------------------------------------------------------
-- main: bare names (each view selects one table 1:1 and inherits its comments)
------------------------------------------------------------------------------------------------------------

CREATE OR REPLACE VIEW main.institutions AS SELECT * FROM core.institutions;
CREATE OR REPLACE VIEW main.institution_history AS SELECT * FROM core.institution_history;
CREATE OR REPLACE VIEW main.reports AS SELECT * FROM core.reports;
CREATE OR REPLACE VIEW main.finances AS SELECT * FROM core.finances;
CREATE OR REPLACE VIEW main.exchange_activities AS SELECT * FROM core.exchange_activities;
CREATE OR REPLACE VIEW main.activity_countries AS SELECT * FROM core.activity_countries;
CREATE OR REPLACE VIEW main.activity_localities AS SELECT * FROM core.activity_localities;
CREATE OR REPLACE VIEW main.partner_localities AS SELECT * FROM core.partner_localities;
CREATE OR REPLACE VIEW main.countries AS SELECT * FROM core.countries;
CREATE OR REPLACE VIEW main.report_sections AS SELECT * FROM core.report_sections;
CREATE OR REPLACE VIEW main.report_texts AS SELECT * FROM core.report_texts;
CREATE OR REPLACE VIEW main.registration_changes AS SELECT * FROM core.registration_changes;
CREATE OR REPLACE VIEW main.report_problems AS SELECT * FROM core.report_problems;
CREATE OR REPLACE VIEW main.ingest_files AS SELECT * FROM core.ingest_files;
CREATE OR REPLACE VIEW main.quarantine AS SELECT * FROM core.quarantine;
CREATE OR REPLACE VIEW main.data_quality AS SELECT * FROM core.data_quality;
CREATE OR REPLACE VIEW main.data_quality_issues AS SELECT * FROM core.data_quality_issues;
CREATE OR REPLACE VIEW main.ingest_runs AS SELECT * FROM core.ingest_runs;
CREATE OR REPLACE VIEW main.finance_trends AS SELECT * FROM marts.finance_trends;
CREATE OR REPLACE VIEW main.finance_yearly AS SELECT * FROM marts.finance_yearly;
CREATE OR REPLACE VIEW main.activities_by_country_year AS SELECT * FROM marts.activities_by_country_year;
CREATE OR REPLACE VIEW main.top_partner_localities AS SELECT * FROM marts.top_partner_localities;
CREATE OR REPLACE VIEW main.file_outcomes AS SELECT * FROM marts.file_outcomes;
CREATE OR REPLACE VIEW main.quality_summary AS SELECT * FROM marts.quality_summary;
CREATE OR REPLACE VIEW main.overview AS SELECT * FROM marts.overview;

-- Every bare name with its columns and comments, for clients that do not show comments (the duckdb CLI).
CREATE OR REPLACE VIEW main.schema_docs AS
SELECT c.table_name, v.comment AS table_comment, c.column_name, c.data_type, c.comment AS column_comment
FROM duckdb_columns() c
LEFT JOIN duckdb_views() v
  ON v.database_name = c.database_name AND v.schema_name = c.schema_name AND v.view_name = c.table_name
WHERE c.schema_name = 'main' AND c.database_name = current_database() AND c.table_name <> 'schema_docs'
ORDER BY c.table_name, c.column_index;
COMMENT ON VIEW main.schema_docs IS '表结构说明:每个表/视图的列、类型和中英文注释 / Every table and column with its type and comment';
COMMENT ON COLUMN main.schema_docs.table_name IS '表名(视图名) / Table (view) name';
COMMENT ON COLUMN main.schema_docs.table_comment IS '表说明 / Table comment';
COMMENT ON COLUMN main.schema_docs.column_name IS '列名 / Column name';
COMMENT ON COLUMN main.schema_docs.data_type IS '类型 / Data type';
COMMENT ON COLUMN main.schema_docs.column_comment IS '列说明 / Column comment';

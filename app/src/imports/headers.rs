//! What the columns of a file are called: in plain spreadsheets (English and Chinese) and in the
//! exports of other CRMs (HubSpot, Salesforce, Pipedrive, Twenty, Zoho CRM, WukongCRM). For each
//! kind of record, the fields a column can fill and the header keys that suggest each.
//!
//! A key is a header without case, spaces, dashes, underscores or dots ("Account Name.id" is
//! `accountnameid`). A header that names another record ("Organization - Name" in a Pipedrive
//! people export) has a key qualified by that record: `org:name`, `person:id`, `deal:id`
//! (`shapes::header_keys`).

/// A field a column can fill, and the header keys that suggest it.
pub type ImportField = (&'static str, &'static [&'static str]);

const PERSON: &[&str] = &[
    "name",
    "fullname",
    "contact",
    "contactname",
    "姓名",
    "名字",
    "联系人",
    "客户姓名",
];
const FIRST_NAME: &[&str] = &["firstname", "givenname", "first", "fname", "名"];
const LAST_NAME: &[&str] = &["lastname", "surname", "familyname", "last", "lname", "姓"];
const JOB: &[&str] = &[
    "title", "jobtitle", "position", "role", "职位", "职务", "头衔",
];
/// The company a person (or a deal) is with, by its name.
const COMPANY: &[&str] = &[
    "company",
    "companyname",
    "organisation",
    "organization",
    "account",
    "accountname",
    "associatedcompany",
    "org:name",
    "公司",
    "公司名称",
    "单位",
    "企业",
    "客户名称",
    "所属客户",
];
const EMAILS: &[&str] = &[
    "email",
    "emails",
    "emailaddress",
    "primaryemail",
    "additionalemails",
    "mail",
    "邮箱",
    "电子邮件",
    "邮件",
    "电子邮箱",
];
const PHONES: &[&str] = &[
    "phone",
    "phones",
    "mobile",
    "telephone",
    "tel",
    "cell",
    "phonenumber",
    "mobilephone",
    "mobilephonenumber",
    "primaryphonenumber",
    "电话",
    "手机",
    "手机号",
    "手机号码",
    "联系电话",
];
const TAGS: &[&str] = &["tags", "tag", "labels", "label", "标签"];
const SOURCE: &[&str] = &[
    "source",
    "leadsource",
    "originalsource",
    "来源",
    "客户来源",
    "线索来源",
];
/// Several columns (street, city, country) join into one address.
const ADDRESS: &[&str] = &[
    "address",
    "street",
    "city",
    "state",
    "country",
    "postalcode",
    "zip",
    "mailingstreet",
    "mailingcity",
    "mailingstate",
    "mailingcountry",
    "billingstreet",
    "billingcity",
    "billingstate",
    "billingcountry",
    "addressaddresscity",
    "addresscity",
    "地址",
    "联系地址",
    "公司地址",
    "详细地址",
    "省份",
    "城市",
];
const NOTES: &[&str] = &[
    "notes",
    "note",
    "comments",
    "comment",
    "description",
    "备注",
    "说明",
];
/// The record's own id in the system it comes from.
const OWN_ID: &[&str] = &["id", "recordid", "编号"];
const OWNER: &[&str] = &[
    "owner",
    "contactowner",
    "companyowner",
    "accountowner",
    "leadowner",
    "dealowner",
    "opportunityowner",
    "recordowner",
    "assignedto",
    "负责人",
    "所属员工",
];
/// The next time to get in touch (WukongCRM's 下次联系时间, HubSpot's and Pipedrive's next
/// activity date): a task on the record, due that day.
const FOLLOW_UP: &[&str] = &[
    "nextactivitydate",
    "nextactivity",
    "nextfollowup",
    "nextfollowupdate",
    "followupdate",
    "nextcontactdate",
    "nextcontacttime",
    "下次联系时间",
    "下次联系日期",
    "下次跟进时间",
];
const CREATED: &[&str] = &[
    "createdate",
    "createddate",
    "createdtime",
    "createdat",
    "created",
    "datecreated",
    "personcreated",
    "organizationcreated",
    "dealcreated",
    "leadcreated",
    "创建时间",
    "创建日期",
];
/// The id of the company a person or deal is with, in the system it comes from.
const COMPANY_ID: &[&str] = &[
    "associatedcompanyids",
    "associatedcompanyid",
    "companyid",
    "companyidid",
    "accountid",
    "accountnameid",
    "organizationid",
    "org:id",
];
const CONTACT_ID: &[&str] = &[
    "associatedcontactids",
    "associatedcontactid",
    "contactid",
    "contactnameid",
    "personid",
    "person:id",
];
const DEAL_ID: &[&str] = &[
    "associateddealids",
    "associateddealid",
    "dealid",
    "opportunityid",
    "deal:id",
];

pub const CONTACT_FIELDS: &[ImportField] = &[
    ("full_name", PERSON),
    ("title", JOB),
    ("company", COMPANY),
    ("emails", EMAILS),
    ("phones", PHONES),
    ("tags", TAGS),
    ("source", SOURCE),
    (
        "birthday",
        &[
            "birthday",
            "birthdate",
            "dateofbirth",
            "dob",
            "生日",
            "出生日期",
        ],
    ),
    ("address", ADDRESS),
    ("notes", NOTES),
    ("first_name", FIRST_NAME),
    ("last_name", LAST_NAME),
    (
        "lifecycle",
        &[
            "lifecyclestage",
            "leadstatus",
            "contacttype",
            "客户级别",
            "客户状态",
            "客户类型",
            "成交状态",
        ],
    ),
    (
        "external_id",
        &join::<6>(OWN_ID, &["contactid", "personid", "person:id"]),
    ),
    ("company_external_id", COMPANY_ID),
    ("owner", OWNER),
    ("created_at", CREATED),
    ("follow_up", FOLLOW_UP),
];
pub const COMPANY_FIELDS: &[ImportField] = &[
    ("name", &join::<16>(COMPANY, &["name", "名称"])),
    (
        "industry",
        &["industry", "sector", "行业", "所属行业", "客户行业"],
    ),
    (
        "size",
        &[
            "size",
            "companysize",
            "employees",
            "numberofemployees",
            "headcount",
            "规模",
            "公司规模",
            "人数",
            "员工人数",
        ],
    ),
    (
        "website",
        &[
            "website",
            "web",
            "url",
            "site",
            "homepage",
            "domain",
            "domainname",
            "companydomainname",
            "domainnameprimarylinkurl",
            "primarylinkurl",
            "网站",
            "网址",
            "官网",
        ],
    ),
    ("phone", PHONES),
    ("address", ADDRESS),
    ("tags", TAGS),
    ("source", SOURCE),
    ("notes", NOTES),
    (
        "external_id",
        &join::<8>(
            OWN_ID,
            &[
                "accountid",
                "companyid",
                "organizationid",
                "org:id",
                "客户编号",
            ],
        ),
    ),
    ("owner", OWNER),
    ("created_at", CREATED),
    ("follow_up", FOLLOW_UP),
];
pub const LEAD_FIELDS: &[ImportField] = &[
    ("full_name", PERSON),
    ("title", JOB),
    ("company_name", COMPANY),
    ("emails", EMAILS),
    ("phones", PHONES),
    ("tags", TAGS),
    ("source", SOURCE),
    ("status", &["status", "leadstatus", "状态", "线索状态"]),
    ("notes", NOTES),
    ("first_name", FIRST_NAME),
    ("last_name", LAST_NAME),
    ("external_id", &join::<5>(OWN_ID, &["leadid", "lead:id"])),
    ("owner", OWNER),
    ("created_at", CREATED),
    ("follow_up", FOLLOW_UP),
];
pub const DEAL_FIELDS: &[ImportField] = &[
    (
        "title",
        &[
            "title",
            "deal",
            "dealname",
            "dealtitle",
            "opportunity",
            "opportunityname",
            "name",
            "商机",
            "商机名称",
            "标题",
            "名称",
        ],
    ),
    (
        "value",
        &[
            "value",
            "amount",
            "dealvalue",
            "金额",
            "商机金额",
            "预计金额",
        ],
    ),
    ("currency", &["currency", "币种", "货币"]),
    (
        "expected_close_date",
        &[
            "closedate",
            "closingdate",
            "expectedclosedate",
            "expectedclose",
            "预计成交日期",
            "成交日期",
        ],
    ),
    (
        "probability",
        &["probability", "winprobability", "赢率", "成交概率"],
    ),
    ("company", COMPANY),
    (
        "stage",
        &["stage", "dealstage", "阶段", "商机阶段", "销售阶段"],
    ),
    (
        "external_id",
        &join::<5>(OWN_ID, &["dealid", "opportunityid"]),
    ),
    ("company_external_id", COMPANY_ID),
    ("contact_external_id", CONTACT_ID),
    ("owner", OWNER),
    ("created_at", CREATED),
    ("follow_up", FOLLOW_UP),
];
pub const NOTE_FIELDS: &[ImportField] = &[
    (
        "body",
        &[
            "body",
            "notebody",
            "content",
            "notecontent",
            "note",
            "notes",
            "description",
            "text",
            "内容",
            "跟进内容",
            "备注",
        ],
    ),
    ("subject", &["subject", "activitysubject", "主题", "标题"]),
    (
        "occurred_at",
        &[
            "activitydate",
            "date",
            "addtime",
            "createdate",
            "createddate",
            "createdtime",
            "createdat",
            "跟进时间",
            "创建时间",
        ],
    ),
    (
        "author",
        &[
            "author",
            "user",
            "createdby",
            "activityassignedto",
            "owner",
            "noteowner",
            "创建人",
            "跟进人",
        ],
    ),
    ("external_id", &join::<5>(OWN_ID, &["noteid", "activityid"])),
    ("contact_external_id", CONTACT_ID),
    ("company_external_id", COMPANY_ID),
    ("deal_external_id", DEAL_ID),
];

/// `a` then `b`, for a list of header keys that extends another (`N` is their total length).
const fn join<const N: usize>(a: &[&'static str], b: &[&'static str]) -> [&'static str; N] {
    assert!(a.len() + b.len() == N);
    let mut out = [""; N];
    let mut i = 0;
    while i < N {
        out[i] = if i < a.len() { a[i] } else { b[i - a.len()] };
        i += 1;
    }
    out
}

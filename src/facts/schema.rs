//! What each scenario's facts file holds, as data: the checker walks it to report every missing
//! fact and unknown key at once (serde stops at the first), and `init` / `templates show`
//! print it. The typed structs in `types.rs` must agree; `tests` below hold them together.

use super::Scenario;
use crate::text::Lang;

/// How a fact's value is checked and shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Free text (a number is accepted as text).
    Text,
    /// `YYYY-MM-DD`.
    Date,
    /// An Amazon merchant token: checked for its shape (a warning), exempt from the secret check.
    MerchantId,
    /// A support case ID: long digit runs are expected here, not a bank number.
    CaseId,
    /// A mapping of sub-facts.
    Group(&'static [Field]),
    /// A list of mappings (at least one item when required).
    List(&'static [Field]),
    /// A list of text items (at least one when required).
    TextList,
}

/// One fact: its key, whether it is required, what it means, and an example per language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    pub name: &'static str,
    pub kind: Kind,
    pub required: bool,
    pub doc: &'static str,
    /// Example values (ja, en) for the `init` skeleton; unused for groups and lists of mappings.
    pub example: (&'static str, &'static str),
}

impl Field {
    pub fn example(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Ja => self.example.0,
            Lang::En => self.example.1,
        }
    }
}

const fn req(
    name: &'static str,
    kind: Kind,
    doc: &'static str,
    ex: (&'static str, &'static str),
) -> Field {
    Field {
        name,
        kind,
        required: true,
        doc,
        example: ex,
    }
}

const fn opt(
    name: &'static str,
    kind: Kind,
    doc: &'static str,
    ex: (&'static str, &'static str),
) -> Field {
    Field {
        name,
        kind,
        required: false,
        doc,
        example: ex,
    }
}

const NONE: (&str, &str) = ("", "");

const SELLER: &[Field] = &[
    req(
        "name",
        Kind::Text,
        "your name as registered on the account",
        ("山田 太郎", "Taylor Morgan"),
    ),
    req(
        "store_name",
        Kind::Text,
        "the store name buyers see",
        ("やまだ雑貨店", "Morgan Home Goods"),
    ),
    req(
        "merchant_id",
        Kind::MerchantId,
        "Seller ID / Merchant Token (Seller Central > Settings > Account Info)",
        ("A1B2C3D4E5F6G7", "A1B2C3D4E5F6G7"),
    ),
    req(
        "email",
        Kind::Text,
        "the email address registered on the account",
        ("seller@example.jp", "seller@example.com"),
    ),
];

const SELLER_FIELD: Field = req(
    "seller",
    Kind::Group(SELLER),
    "who is writing: the account this is about",
    NONE,
);

const PREVENTION: &[Field] = &[
    req(
        "step",
        Kind::Text,
        "one concrete step (a mechanism, not a promise)",
        (
            "登録情報を変更する前に、テクニカルサポートへ手順を確認します",
            "Before any change to account details, I ask Seller Support which steps to follow",
        ),
    ),
    req(
        "from",
        Kind::Date,
        "the date the step starts",
        ("2025-06-05", "2025-06-05"),
    ),
    req(
        "owner",
        Kind::Text,
        "who carries it out",
        ("出品者本人", "me, the account owner"),
    ),
];

const PREVENTION_FIELD: Field = req(
    "prevention",
    Kind::List(PREVENTION),
    "steps that keep it from happening again: what, from when, who",
    NONE,
);

const REQUEST_FIELD: Field = opt(
    "request",
    Kind::Text,
    "anything to add to the closing request (one polite sentence)",
    (
        "必要な書類がございましたら、ご指示に従って提出いたします",
        "If you need any document, I will send it as soon as you ask",
    ),
);

const DATED: &[Field] = &[
    req("date", Kind::Date, "when", ("2025-06-03", "2025-06-03")),
    req(
        "what",
        Kind::Text,
        "what happened or was done",
        (
            "サインイン画面のフォームからテクニカルサポートへ問い合わせ",
            "contacted Seller Support through the form on the sign-in page",
        ),
    ),
];

const ALREADY_DONE: &[Field] = &[
    req(
        "password_reset",
        Kind::Date,
        "when you reset the password (support asks for this first)",
        ("2025-06-04", "2025-06-04"),
    ),
    req(
        "two_step_reset",
        Kind::Date,
        "when you reset two-step verification",
        ("2025-06-04", "2025-06-04"),
    ),
    opt(
        "other",
        Kind::List(DATED),
        "other steps already taken, dated",
        NONE,
    ),
];

const SECURITY_LOCK: &[Field] = &[
    SELLER_FIELD,
    req(
        "change",
        Kind::Group(&[
            req(
                "what",
                Kind::Text,
                "the sensitive detail you changed",
                (
                    "売上金の振込先銀行口座",
                    "the bank account for disbursements",
                ),
            ),
            req(
                "date",
                Kind::Date,
                "when you changed it",
                ("2025-06-03", "2025-06-03"),
            ),
            req(
                "reason",
                Kind::Text,
                "why you changed it",
                (
                    "クレジットカードの引き落とし口座と同じ口座にまとめるため",
                    "to use the same account my credit card is billed from",
                ),
            ),
        ]),
        "the change that triggered the lock",
        NONE,
    ),
    req(
        "notices",
        Kind::List(&[
            req(
                "date",
                Kind::Date,
                "when the notice arrived",
                ("2025-06-03", "2025-06-03"),
            ),
            req(
                "what",
                Kind::Text,
                "the notice, as a noun phrase (「〜という通知」, \"a notice that …\")",
                (
                    "登録メールアドレスが変更されたという通知",
                    "a notice that my registered email address had changed",
                ),
            ),
        ]),
        "the notices you received, in the order they came",
        NONE,
    ),
    req(
        "locked_since",
        Kind::Date,
        "since when you cannot sign in to Seller Central",
        ("2025-06-03", "2025-06-03"),
    ),
    req(
        "already_done",
        Kind::Group(ALREADY_DONE),
        "what you already did, so support does not propose it again",
        NONE,
    ),
    opt(
        "other_changes",
        Kind::Text,
        "other settings you changed (leave out if none: the letter then says none were changed)",
        (
            "配送設定のお届け日数",
            "the handling time in my shipping settings",
        ),
    ),
    PREVENTION_FIELD,
    REQUEST_FIELD,
];

const IDENTITY_VERIFICATION: &[Field] = &[
    SELLER_FIELD,
    req(
        "requested",
        Kind::Group(&[
            req(
                "date",
                Kind::Date,
                "when the documents were requested",
                ("2025-06-03", "2025-06-03"),
            ),
            req(
                "documents",
                Kind::Text,
                "which documents were requested",
                (
                    "本人確認書類と住所確認書類",
                    "an identity document and a proof of address",
                ),
            ),
        ]),
        "the request for documents",
        NONE,
    ),
    opt(
        "rejection",
        Kind::Group(&[
            req(
                "date",
                Kind::Date,
                "when the documents were rejected",
                ("2025-06-06", "2025-06-06"),
            ),
            req(
                "reason",
                Kind::Text,
                "the reason given",
                ("住所が確認できない", "the address could not be confirmed"),
            ),
        ]),
        "if a submission was rejected: when and why",
        NONE,
    ),
    req(
        "submitted",
        Kind::List(&[
            req(
                "date",
                Kind::Date,
                "when you sent it",
                ("2025-06-04", "2025-06-04"),
            ),
            req(
                "document",
                Kind::Text,
                "which document",
                ("運転免許証（表裏）", "my passport (photo page)"),
            ),
        ]),
        "the documents you sent, dated",
        NONE,
    ),
    req(
        "registration",
        Kind::Group(&[
            req(
                "name",
                Kind::Text,
                "the name as registered",
                ("山田 太郎", "Taylor Morgan"),
            ),
            req(
                "address",
                Kind::Text,
                "the address as registered",
                (
                    "東京都千代田区丸の内1-1-1",
                    "12 Elm Street, Springfield, IL 62701",
                ),
            ),
        ]),
        "the registered name and address the documents match",
        NONE,
    ),
    opt(
        "cause",
        Kind::Text,
        "your own part in the problem, as one sentence",
        (
            "転居後、登録住所の更新が遅れておりました",
            "After moving, I was late in updating my registered address",
        ),
    ),
    PREVENTION_FIELD,
    REQUEST_FIELD,
];

const PLAN_OF_ACTION: &[Field] = &[
    SELLER_FIELD,
    req(
        "suspension",
        Kind::Group(&[
            req(
                "date",
                Kind::Date,
                "the date of the notice",
                ("2025-06-03", "2025-06-03"),
            ),
            req(
                "reason",
                Kind::Text,
                "the reason the notice gives",
                (
                    "出荷遅延率が基準を超えたこと",
                    "a late shipment rate above the target",
                ),
            ),
        ]),
        "the suspension notice",
        NONE,
    ),
    req(
        "root_causes",
        Kind::TextList,
        "each root cause, one fact per item",
        (
            "繁忙期の受注量に対して、出荷作業の人員が不足していました",
            "I did not have enough staff for the order volume in the busy season",
        ),
    ),
    req(
        "actions_taken",
        Kind::List(&[
            req("date", Kind::Date, "when", ("2025-06-04", "2025-06-04")),
            req(
                "what",
                Kind::Text,
                "what you did",
                (
                    "未出荷の注文をすべて出荷し、お客様に遅延をお詫びしました",
                    "I shipped every open order and apologized to each buyer for the delay",
                ),
            ),
        ]),
        "what you already did about each cause, dated",
        NONE,
    ),
    PREVENTION_FIELD,
    opt(
        "evidence",
        Kind::TextList,
        "what you attach (invoices, screenshots)",
        ("出荷記録（2025年6月分）", "shipping records for June 2025"),
    ),
    REQUEST_FIELD,
];

const FOLLOW_UP: &[Field] = &[
    SELLER_FIELD,
    req(
        "original",
        Kind::Group(&[
            req(
                "date",
                Kind::Date,
                "when you first wrote",
                ("2025-06-04", "2025-06-04"),
            ),
            req(
                "subject",
                Kind::Text,
                "what it was about, in a few words",
                ("本人確認書類の審査", "the review of my identity documents"),
            ),
        ]),
        "your first message",
        NONE,
    ),
    req(
        "previous",
        Kind::List(&[
            req(
                "date",
                Kind::Date,
                "when you sent it",
                ("2025-06-04", "2025-06-04"),
            ),
            opt(
                "case_id",
                Kind::CaseId,
                "the case ID support gave",
                ("12345678901", "12345678901"),
            ),
            opt(
                "note",
                Kind::Text,
                "one neutral line about it",
                (
                    "サインイン前のフォームから送信しました",
                    "I sent it through the form on the sign-in page",
                ),
            ),
        ]),
        "earlier submissions, oldest first",
        NONE,
    ),
    req(
        "situation",
        Kind::Text,
        "the situation now, in one sentence",
        (
            "提出した書類について、まだ審査結果をいただいていない状態です",
            "I have not yet received a result for the documents I sent",
        ),
    ),
    opt(
        "revision",
        Kind::Text,
        "what this version adds or corrects",
        (
            "提出済みの書類の一覧を追記しました",
            "I added the list of documents already sent",
        ),
    ),
    opt(
        "already_done",
        Kind::Group(ALREADY_DONE),
        "for a security lock: password and two-step verification resets, dated",
        NONE,
    ),
    PREVENTION_FIELD,
    REQUEST_FIELD,
];

/// A scenario's documentation: what it is for and its facts (besides `scenario` and `lang`).
#[derive(Debug, Clone, Copy)]
pub struct ScenarioInfo {
    pub scenario: Scenario,
    pub summary: &'static str,
    pub fields: &'static [Field],
}

pub const SCENARIOS: [ScenarioInfo; 4] = [
    ScenarioInfo {
        scenario: Scenario::SecurityLock,
        summary: "locked after a sensitive change (bank account, card, email); the founding case",
        fields: SECURITY_LOCK,
    },
    ScenarioInfo {
        scenario: Scenario::IdentityVerification,
        summary: "identity documents requested or rejected: what was sent, when, and that it matches",
        fields: IDENTITY_VERIFICATION,
    },
    ScenarioInfo {
        scenario: Scenario::PlanOfAction,
        summary: "a policy or performance suspension: root cause, actions taken, prevention",
        fields: PLAN_OF_ACTION,
    },
    ScenarioInfo {
        scenario: Scenario::FollowUp,
        summary: "a resend or revision of an earlier message, naming the earlier submissions",
        fields: FOLLOW_UP,
    },
];

impl Scenario {
    pub fn info(self) -> &'static ScenarioInfo {
        SCENARIOS
            .iter()
            .find(|i| i.scenario == self)
            .expect("every scenario has an entry in SCENARIOS")
    }
}

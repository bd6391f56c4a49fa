//! The names of billing terms (reasons a reading is rejected, run exceptions, bill
//! statuses, charge lines, tariff kinds) in both languages, for pages, the API, PDF and CSV.

use super::Locale;
use crate::api::billing::{BillStatus, ExceptionKind, RejectReason};
use crate::tariff::{LineKind, TariffKind, TouPeriod};

fn pick(locale: Locale, zh: &'static str, en: &'static str) -> &'static str {
    if locale == Locale::Zh { zh } else { en }
}

/// Why a reading line was rejected.
pub fn reject_reason(locale: Locale, reason: RejectReason) -> &'static str {
    match reason {
        RejectReason::UnknownMeter => pick(locale, "表号不存在", "No meter has this number"),
        RejectReason::BadNumber => pick(
            locale,
            "读数不是有效数字（最多三位小数）",
            "The reading is not a valid number (at most three decimals)",
        ),
        RejectReason::Negative => pick(locale, "读数不能为负数", "A reading cannot be negative"),
        RejectReason::BadDate => pick(
            locale,
            "日期或时间无效（须为 YYYY-MM-DD，间隔数据为整刻钟，且不晚于今天）",
            "The date or time is invalid (YYYY-MM-DD; interval data on a quarter hour; not in the future)",
        ),
        RejectReason::BadLine => pick(locale, "该行字段不全", "The line has too few fields"),
        RejectReason::Duplicate => pick(locale, "该表在此时间已有读数", "The meter already has a reading at this time"),
        RejectReason::LowerThanLast => pick(
            locale,
            "读数小于上次读数，且没有换表记录",
            "The reading is below the previous one and no meter change is recorded",
        ),
        RejectReason::HigherThanNext => pick(locale, "读数大于其后的读数", "The reading is above a later one"),
        RejectReason::AbnormalJump => pick(
            locale,
            "用电量突增，超过近期日均用量的设定倍数",
            "The usage jumps beyond the set factor of the recent daily average",
        ),
    }
}

/// What a billing run noticed.
pub fn exception(locale: Locale, kind: ExceptionKind) -> &'static str {
    match kind {
        ExceptionKind::NoReading => pick(locale, "无抄表读数，未出账", "No reading: not billed"),
        ExceptionKind::Estimated => pick(locale, "估抄出账", "Billed on an estimated reading"),
        ExceptionKind::Changed => pick(locale, "电费波动异常，待审核", "Unusual change from last period: held"),
        ExceptionKind::Calculation => pick(locale, "无法计算电费", "The bill cannot be computed"),
        ExceptionKind::Held => pick(locale, "户号暂停出账审核中", "The account's bills are held for review"),
    }
}

/// A bill's status.
pub fn bill_status(locale: Locale, status: BillStatus) -> &'static str {
    match status {
        BillStatus::Held => pick(locale, "审核中", "Held for review"),
        BillStatus::Issued => pick(locale, "已出账", "Issued"),
        BillStatus::Cancelled => pick(locale, "已冲销", "Cancelled"),
    }
}

/// A time-of-use period.
pub fn period(locale: Locale, period: TouPeriod) -> &'static str {
    match period {
        TouPeriod::CriticalPeak => pick(locale, "尖峰", "Critical peak"),
        TouPeriod::Peak => pick(locale, "高峰", "Peak"),
        TouPeriod::Flat => pick(locale, "平段", "Flat"),
        TouPeriod::Valley => pick(locale, "低谷", "Valley"),
    }
}

/// A tariff kind.
pub fn tariff_kind(locale: Locale, kind: TariffKind) -> &'static str {
    match kind {
        TariffKind::Tiered => pick(locale, "阶梯电价", "Tiered"),
        TariffKind::TimeOfUse => pick(locale, "峰谷分时电价", "Time of use"),
        TariffKind::Flat => pick(locale, "单一制电价", "Single rate"),
        TariffKind::TwoPart => pick(locale, "两部制电价", "Two-part"),
    }
}

/// The label of a charge line, as a bill prints it.
pub fn line(locale: Locale, kind: &LineKind) -> String {
    match kind {
        LineKind::Energy => pick(locale, "电度电费", "Energy").to_owned(),
        LineKind::Tier { tier } => match locale {
            Locale::Zh => format!(
                "第{}档电费",
                ["一", "二", "三", "四", "五"].get(usize::from(*tier).saturating_sub(1)).unwrap_or(&"")
            ),
            Locale::En => format!("Energy, tier {tier}"),
        },
        LineKind::Period { period: p } => match locale {
            Locale::Zh => format!("{}电费", period(locale, *p)),
            Locale::En => format!("Energy, {}", period(locale, *p).to_lowercase()),
        },
        LineKind::TouAdjustment { period: p } => match locale {
            Locale::Zh => format!("分时{}调整", period(locale, *p)),
            Locale::En => format!("Time-of-use difference, {}", period(locale, *p).to_lowercase()),
        },
        LineKind::Capacity => pick(locale, "基本电费（按容量）", "Capacity charge").to_owned(),
        LineKind::Demand => pick(locale, "基本电费（按需量）", "Demand charge").to_owned(),
        LineKind::PowerFactor { actual, standard } => match locale {
            Locale::Zh => format!("功率因数调整电费（实际 {actual}，标准 {}）", standard.as_str()),
            Locale::En => format!("Power factor adjustment ({actual} against {})", standard.as_str()),
        },
        LineKind::Surcharge { name_zh, name_en, .. } => pick_owned(locale, name_zh, name_en),
    }
}

/// The unit of a charge line's quantity.
pub fn unit(locale: Locale, kind: &LineKind) -> &'static str {
    match kind {
        LineKind::Capacity => pick(locale, "千伏安·月", "kVA·month"),
        LineKind::Demand => pick(locale, "千瓦·月", "kW·month"),
        LineKind::PowerFactor { .. } => pick(locale, "元", "yuan"),
        _ => pick(locale, "千瓦时", "kWh"),
    }
}

fn pick_owned(locale: Locale, zh: &str, en: &str) -> String {
    if locale == Locale::Zh { zh.to_owned() } else { en.to_owned() }
}

//! Street names of the generated city: real Jingmen place words (districts, streets, hills,
//! lakes), shuffled, with 大道/路 for arterials, 街 for secondary streets and 巷 for lanes.

use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use crate::model::StreetClass;

/// Street names: real Jingmen place words, shuffled, with 大道/路 for arterials, 街 for
/// secondary streets and 巷 for lanes, numbered once every word is used.
pub struct Names {
    words: Vec<&'static str>,
    used: [usize; 4],
    lanes: rustc_hash::FxHashMap<String, usize>,
}

const WORDS: &[&str] = &[
    "象山",
    "白庙",
    "长宁",
    "月亮湖",
    "培公",
    "海慧",
    "金虾",
    "东宝",
    "龙井",
    "泉口",
    "天鹅",
    "望兵石",
    "星球",
    "凤凰",
    "杨湾",
    "名泉",
    "虎牙关",
    "文昌",
    "楚都",
    "荆楚",
    "子陵",
    "漳河",
    "掇刀",
    "石化",
    "团林",
    "响岭",
    "双泉",
    "竹园",
    "民族",
    "九龙",
    "惠民",
    "官堰",
    "车桥",
    "白云",
    "兴隆",
    "鸣凤",
    "牌楼",
    "仙居",
    "栗溪",
    "马河",
];

const NUMERALS: &[&str] = &["", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

impl Names {
    pub fn new(rng: &mut ChaCha8Rng) -> Self {
        let mut words = WORDS.to_vec();
        words.shuffle(rng);
        Self {
            words,
            used: [0; 4],
            lanes: rustc_hash::FxHashMap::default(),
        }
    }

    pub fn next(&mut self, class: StreetClass) -> String {
        let n = &mut self.used[class as usize];
        let word = self.words[*n % self.words.len()];
        let numeral = NUMERALS[(*n / self.words.len()) % NUMERALS.len()];
        *n += 1;
        let suffix = match class {
            StreetClass::Arterial if numeral.is_empty() => "大道",
            StreetClass::Arterial => "路",
            StreetClass::Secondary => "街",
            StreetClass::Local | StreetClass::Footpath => "巷",
        };
        format!("{word}{numeral}{suffix}")
    }

    /// The next lane name of a community: 一巷, 二巷, ... after the community's name.
    pub fn lane(&mut self, community: &str) -> String {
        let n = self.lanes.entry(community.to_string()).or_default();
        *n += 1;
        let base = community.trim_end_matches("社区");
        format!("{base}{}巷", chinese_number(*n))
    }
}

/// 1 → 一, 12 → 十二, 23 → 二十三 (lane numbers stay below 100).
fn chinese_number(n: usize) -> String {
    const DIGITS: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0 => "零".into(),
        1..=9 => DIGITS[n].into(),
        10..=19 => format!("十{}", DIGITS[n % 10]),
        _ => format!("{}十{}", DIGITS[(n / 10) % 10], DIGITS[n % 10]),
    }
}

//! Community names from the National Bureau of Statistics 2023 division codes
//! (`geodata/sources/jingmen_villages_nbs2023.csv`, see its README for licence).

use std::path::Path;

use super::DataError;

/// One community-type unit of the NBS list.
#[derive(Debug, Clone)]
pub struct NbsCommunity {
    pub code: String,
    pub name: String,
    pub district_code: u64,
    /// Whether it belongs to a subdistrict (街道, urban core) rather than a town.
    pub in_subdistrict: bool,
}

/// Reads the real community names, leaving out the "virtual" placeholders and the units of the
/// prison administration, which are not residential communities. Development-zone communities
/// are kept: they are urban.
///
/// # Errors
/// The file is missing or malformed.
pub fn read_communities(path: &Path) -> Result<Vec<NbsCommunity>, DataError> {
    let mut reader = csv::Reader::from_path(path).map_err(|e| DataError::csv(path, &e))?;
    let mut out = Vec::new();
    for record in reader.records() {
        let r = record.map_err(|e| DataError::csv(path, &e))?;
        let field = |i: usize| r.get(i).unwrap_or_default();
        if field(2) != "community" || field(1).contains("虚拟") || field(4).contains("监狱") {
            continue;
        }
        let district_code = field(6).parse().map_err(|_| DataError::Invalid {
            path: path.to_path_buf(),
            detail: format!("bad district code in {}", field(0)),
        })?;
        out.push(NbsCommunity {
            code: field(0).to_owned(),
            name: field(1).replace("居民委员会", "").replace("居委会", ""),
            district_code,
            in_subdistrict: field(5) == "subdistrict",
        });
    }
    Ok(out)
}

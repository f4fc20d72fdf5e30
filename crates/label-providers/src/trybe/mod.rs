//! trybe backend: to be written.

use std::sync::Arc;

use label_core::LabelProvider;

use crate::settings::{ProviderSettings, SettingProblem};

pub fn build(_settings: &ProviderSettings) -> Result<Arc<dyn LabelProvider>, Vec<SettingProblem>> {
    Err(vec![SettingProblem::new(
        "provider",
        "trybe is not implemented yet",
    )])
}

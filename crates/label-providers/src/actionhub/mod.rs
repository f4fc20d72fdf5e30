//! actionhub backend: to be written.

use std::sync::Arc;

use label_core::LabelProvider;

use crate::settings::{ProviderSettings, SettingProblem};

pub fn build(_settings: &ProviderSettings) -> Result<Arc<dyn LabelProvider>, Vec<SettingProblem>> {
    Err(vec![SettingProblem::new(
        "provider",
        "actionhub is not implemented yet",
    )])
}

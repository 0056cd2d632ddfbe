use crate::{Report, ReportError};
use std::io::Write;
pub(crate) fn write(_r: &Report, _o: &mut dyn Write) -> Result<(), ReportError> {
    Ok(())
}

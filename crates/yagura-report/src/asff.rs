use crate::{Report, ReportError, WriteOptions};
use std::io::Write;
pub(crate) fn write(_r: &Report, _o: &mut dyn Write, _p: &WriteOptions) -> Result<(), ReportError> {
    Ok(())
}

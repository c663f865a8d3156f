// Helpers for knowledge-base tests: scratch folders and small documents (tests/scratch_dir.h, named
// here so the kb tests can keep calling them test::ScratchDir and test::write_file).
#pragma once

#include "scratch_dir.h"

namespace ls::kb::test {

using ::ls::test::ScratchDir;
using ::ls::test::write_file;

}  // namespace ls::kb::test

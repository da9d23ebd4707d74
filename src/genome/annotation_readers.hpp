// The concrete annotation readers behind open_annotation(); each lives in its own file.
#pragma once
#include <memory>

#include "line_reader.hpp"
#include "splicebert/genome.hpp"

namespace splicebert::genome {

std::unique_ptr<AnnotationReader> make_bed_reader(std::unique_ptr<LineReader> lines, Diagnostics& diagnostics);
std::unique_ptr<AnnotationReader> make_gtf_reader(std::unique_ptr<LineReader> lines, Diagnostics& diagnostics);
std::unique_ptr<AnnotationReader> make_gff3_reader(std::unique_ptr<LineReader> lines, Diagnostics& diagnostics);

}  // namespace splicebert::genome

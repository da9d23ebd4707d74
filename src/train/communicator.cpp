#include "train/communicator.hpp"

#include <algorithm>
#include <cstdlib>
#include <limits>

#include "splicebert/error.hpp"

#ifdef SPLICEBERT_HAVE_MPI
#include <mpi.h>
#endif

namespace splicebert::train::detail {

namespace {

bool launched_by_mpi() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "PMI_RANK"})
    if (std::getenv(name)) return true;
  return false;
}

#ifdef SPLICEBERT_HAVE_MPI
// MPI counts are int: send large buffers in pieces.
template <class T>
void sum_in_chunks(T* data, size_t n, MPI_Datatype type) {
  constexpr size_t kChunk = size_t{1} << 28;
  for (size_t offset = 0; offset < n; offset += kChunk) {
    const int count = static_cast<int>(std::min(kChunk, n - offset));
    if (MPI_Allreduce(MPI_IN_PLACE, data + offset, count, type, MPI_SUM, MPI_COMM_WORLD) != MPI_SUCCESS)
      fail("MPI_Allreduce failed");
  }
}
#endif

}  // namespace

Communicator& Communicator::world() {
  static Communicator instance;
  return instance;
}

Communicator::Communicator() {
  if (!launched_by_mpi()) return;
#ifdef SPLICEBERT_HAVE_MPI
  int provided = 0;
  if (MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) fail("MPI_Init failed");
  initialised_ = true;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
#else
  const char* size = std::getenv("OMPI_COMM_WORLD_SIZE");
  if (!size) size = std::getenv("PMI_SIZE");
  if (size && std::atoi(size) > 1)
    fail("launched as one of ", size, " MPI ranks, but this splicebert was built without MPI "
         "(install libopenmpi-dev and rebuild with -DSPLICEBERT_MPI=ON)");
#endif
}

Communicator::~Communicator() {
#ifdef SPLICEBERT_HAVE_MPI
  if (initialised_) MPI_Finalize();
#endif
}

void Communicator::sum(float* data, size_t n) {
#ifdef SPLICEBERT_HAVE_MPI
  if (distributed()) sum_in_chunks(data, n, MPI_FLOAT);
#else
  (void)data, (void)n;
#endif
}

void Communicator::sum(double* data, size_t n) {
#ifdef SPLICEBERT_HAVE_MPI
  if (distributed()) sum_in_chunks(data, n, MPI_DOUBLE);
#else
  (void)data, (void)n;
#endif
}

void Communicator::sum(int64_t* data, size_t n) {
#ifdef SPLICEBERT_HAVE_MPI
  if (distributed()) sum_in_chunks(data, n, MPI_INT64_T);
#else
  (void)data, (void)n;
#endif
}

void Communicator::barrier() {
#ifdef SPLICEBERT_HAVE_MPI
  if (distributed()) MPI_Barrier(MPI_COMM_WORLD);
#endif
}

void Communicator::abort(int status) {
#ifdef SPLICEBERT_HAVE_MPI
  if (distributed()) MPI_Abort(MPI_COMM_WORLD, status);
#endif
  std::exit(status);
}

}  // namespace splicebert::train::detail

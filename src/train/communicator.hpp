// Data-parallel plumbing: the ranks of an MPI job, or a single process when the binary was built without MPI or
// not launched by mpirun / srun. Only what training needs: sums over ranks, a barrier and an abort.
#pragma once
#include <cstddef>
#include <cstdint>

namespace splicebert::train::detail {

class Communicator {
 public:
  // Initialises MPI on first use when the environment says a launcher started us (OMPI_COMM_WORLD_SIZE,
  // PMI_SIZE, PMIX_RANK); MPI is finalised at exit.
  static Communicator& world();
  int rank() const { return rank_; }
  int size() const { return size_; }
  bool distributed() const { return size_ > 1; }

  // In-place sums over every rank (no-ops for a single process).
  void sum(float* data, size_t n);
  void sum(double* data, size_t n);
  void sum(int64_t* data, size_t n);
  void barrier();
  // Ends every rank after an error on one (a collective would otherwise wait forever).
  [[noreturn]] void abort(int status);

  ~Communicator();

 private:
  Communicator();
  int rank_ = 0, size_ = 1;
  bool initialised_ = false;
};

}  // namespace splicebert::train::detail

// Tokenizer bindings: the library's RnaTokenizer rules for any vocab.txt, with T->U switchable per call.
#include "bindings.hpp"
#include "splicebert/tokenizer.hpp"

namespace splicebert::python {

namespace {

// encode() with the T->U choice of this call (the library's tokenizer holds it as state; a copy keeps the shared
// one untouched).
Tokenizer::Encoded encode(const Tokenizer& tokenizer, std::string_view text, bool add_special, bool t_to_u) {
  if (t_to_u) return tokenizer.encode(text, add_special);
  Tokenizer copy = tokenizer;
  copy.set_t_to_u(false);
  return copy.encode(text, add_special);
}

}  // namespace

void bind_tokenizer(py::module_& m) {
  py::class_<Tokenizer>(m, "Tokenizer", "The RnaTokenizer rules for one vocabulary (vocab.txt).")
      .def_static("from_vocab_file", &Tokenizer::from_vocab_file, py::arg("path"),
                  "Reads a vocab.txt (one token per line).")
      .def_static("from_tokens", &Tokenizer::from_tokens, py::arg("tokens"), py::arg("source"),
                  "A tokenizer for this token list; `source` names it in error messages.")
      .def(
          "encode",
          [](const Tokenizer& t, const std::string& text, bool add_special, bool t_to_u) {
            auto encoded = encode(t, text, add_special, t_to_u);
            return py::make_tuple(std::move(encoded.ids), encoded.unknown);
          },
          py::arg("text"), py::arg("add_special") = true, py::arg("replace_t_with_u") = true,
          "(ids, unknown): token ids (<cls> ... <eos> unless add_special is False) and the number of characters "
          "that became <unk>.")
      .def(
          "encode_batch",
          [](const Tokenizer& t, const std::vector<std::string>& texts, bool add_special, bool t_to_u) {
            std::vector<std::vector<int32_t>> ids;
            ids.reserve(texts.size());
            for (const auto& text : texts) ids.push_back(encode(t, text, add_special, t_to_u).ids);
            return ids;
          },
          py::arg("texts"), py::arg("add_special") = true, py::arg("replace_t_with_u") = true,
          "Token ids of every text (see encode).")
      .def_property_readonly("tokens", &Tokenizer::tokens, "The vocabulary, in id order.")
      .def("__len__", &Tokenizer::size, "Number of tokens.")
      .def("token", &Tokenizer::token, py::arg("id"), "The token of an id.")
      .def("id_of", &Tokenizer::id_of, py::arg("token"), "The id of a token, -1 when absent.")
      .def("is_special", &Tokenizer::is_special, py::arg("id"), "True for <pad> <cls> <eos> <unk> <mask> (<null>).")
      .def_property_readonly("pad_id", &Tokenizer::pad_id, "Id of <pad>.")
      .def_property_readonly("cls_id", &Tokenizer::cls_id, "Id of <cls> ([CLS]).")
      .def_property_readonly("eos_id", &Tokenizer::eos_id, "Id of <eos> ([SEP]).")
      .def_property_readonly("unk_id", &Tokenizer::unk_id, "Id of <unk>.")
      .def_property_readonly("mask_id", &Tokenizer::mask_id, "Id of <mask>.")
      .def_property_readonly("nucleotide_ids", &Tokenizer::nucleotide_ids, "Ids of A, C, G, U (T) in that order.")
      .def_property_readonly("original_vocabulary", &Tokenizer::original_vocabulary,
                             "True for the authors' 10-token [CLS]/[SEP] vocabulary.");
}

}  // namespace splicebert::python

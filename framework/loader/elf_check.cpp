#include "loader/elf_check.hpp"

#include <elf.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <vector>

namespace selfheal {
namespace {

class File {
 public:
  explicit File(const std::filesystem::path& path)
      : fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {}
  ~File() {
    if (fd_ >= 0) ::close(fd_);
  }
  File(const File&) = delete;
  File& operator=(const File&) = delete;
  bool ok() const { return fd_ >= 0; }
  int fd() const { return fd_; }
  bool read_at(void* out, std::size_t size, std::uint64_t offset) const {
    auto* bytes = static_cast<char*>(out);
    while (size > 0) {
      const ssize_t n = ::pread(fd_, bytes, size, static_cast<off_t>(offset));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      bytes += n;
      size -= static_cast<std::size_t>(n);
      offset += static_cast<std::uint64_t>(n);
    }
    return true;
  }

 private:
  int fd_;
};

// offset + count * size, saturating at UINT64_MAX (garbage headers must not wrap around).
std::uint64_t extent(std::uint64_t offset, std::uint64_t count, std::uint64_t size) {
  std::uint64_t bytes = 0, end = 0;
  if (__builtin_mul_overflow(count, size, &bytes) || __builtin_add_overflow(offset, bytes, &end))
    return UINT64_MAX;
  return end;
}

template <class Ehdr, class Phdr>
std::uint64_t described_size(const File& file, std::uint64_t file_size) {
  Ehdr eh{};
  if (!file.read_at(&eh, sizeof eh, 0)) return sizeof eh;
  std::uint64_t need = sizeof eh;
  need = std::max(need, extent(eh.e_phoff, eh.e_phnum, eh.e_phentsize));
  // e_shnum 0 with a table: extended numbering, at least the first entry exists.
  const std::uint64_t sections = eh.e_shoff == 0 ? 0 : (eh.e_shnum == 0 ? 1 : eh.e_shnum);
  need = std::max(need, extent(eh.e_shoff, sections, eh.e_shentsize));
  if (need > file_size || eh.e_phentsize != sizeof(Phdr)) return need;
  for (std::uint64_t i = 0; i < eh.e_phnum; ++i) {
    Phdr ph{};
    if (!file.read_at(&ph, sizeof ph, eh.e_phoff + i * sizeof(Phdr))) return UINT64_MAX;
    if (ph.p_type == PT_LOAD || ph.p_type == PT_DYNAMIC)
      need = std::max(need, extent(ph.p_offset, 1, ph.p_filesz));
  }
  return need;
}

}  // namespace

std::string check_elf_extent(const std::filesystem::path& path) {
  File file(path);
  if (!file.ok()) return {};  // dlopen reports why it cannot open it
  struct stat st {};
  if (::fstat(file.fd(), &st) != 0) return {};
  const auto size = static_cast<std::uint64_t>(st.st_size);
  unsigned char ident[EI_NIDENT] = {};
  if (!file.read_at(ident, SELFMAG, 0) || std::memcmp(ident, ELFMAG, SELFMAG) != 0) return {};
  if (!file.read_at(ident, sizeof ident, 0))
    return "truncated ELF file: the file has " + std::to_string(size) + " bytes";
  const unsigned char native =
      std::endian::native == std::endian::little ? ELFDATA2LSB : ELFDATA2MSB;
  if (ident[EI_DATA] != native) return {};  // dlopen refuses a foreign byte order itself
  std::uint64_t need = 0;
  if (ident[EI_CLASS] == ELFCLASS64)
    need = described_size<Elf64_Ehdr, Elf64_Phdr>(file, size);
  else if (ident[EI_CLASS] == ELFCLASS32)
    need = described_size<Elf32_Ehdr, Elf32_Phdr>(file, size);
  else
    return {};
  if (need <= size) return {};
  if (need == UINT64_MAX) return "corrupted ELF file: its headers are unreadable or inconsistent";
  return "truncated ELF file: its headers describe " + std::to_string(need) +
         " bytes, the file has " + std::to_string(size);
}

}  // namespace selfheal

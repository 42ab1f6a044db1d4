// Plain-text pair lists and issame lists: what they accept, and errors that name file:line and the offending text.
#include "engine/formats/pair_list.h"

#include <gtest/gtest.h>

#include "core/errors.h"

namespace marginlab::formats {
namespace {

void expect_invalid(const std::function<void()>& parse, const std::string& expected_message) {
  try {
    parse();
    FAIL() << "accepted; expected: " << expected_message;
  } catch (const InvalidFile& error) {
    EXPECT_EQ(std::string(error.what()), expected_message);
  }
}

TEST(PairList, ReadsPairsSkippingBlankAndCommentLines) {
  const auto pairs = parse_pair_list(
      "# LFW-style pairs\n"
      "a/1.jpg b/1.jpg 1\n"
      "\n"
      "   \t\n"
      "  # indented comment\n"
      "a/2.jpg\t/abs/c.png   false\r\n"
      "x.jpg y.jpg True\n"
      "x.jpg z.jpg 0",  // no final newline
      "pairs.txt");
  ASSERT_EQ(pairs.size(), 4u);
  EXPECT_EQ(pairs[0].first, "a/1.jpg");
  EXPECT_EQ(pairs[0].second, "b/1.jpg");
  EXPECT_TRUE(pairs[0].same);
  EXPECT_EQ(pairs[0].line, 2);
  EXPECT_EQ(pairs[1].first, "a/2.jpg");
  EXPECT_EQ(pairs[1].second, "/abs/c.png");  // kept as written; the data part resolves relative paths
  EXPECT_FALSE(pairs[1].same);
  EXPECT_EQ(pairs[1].line, 6);
  EXPECT_TRUE(pairs[2].same);
  EXPECT_FALSE(pairs[3].same);
  EXPECT_EQ(pairs[3].line, 8);
}

TEST(PairList, ErrorsNameFileLineAndText) {
  expect_invalid([] { parse_pair_list("a b 1\na b\n", "p.txt"); },
                 "p.txt:2: expected 'path1 path2 same', found 2 fields in 'a b'");
  expect_invalid([] { parse_pair_list("a b c 1\n", "p.txt"); },
                 "p.txt:1: expected 'path1 path2 same', found 4 fields in 'a b c 1'");
  expect_invalid([] { parse_pair_list("\n\na b yes\n", "p.txt"); },
                 "p.txt:3: the third field 'yes' is not a flag (0, 1, true, false, True or False)");
  expect_invalid([] { parse_pair_list("# nothing\n\n", "p.txt"); }, "p.txt: no pairs (only blank or '#' lines)");
  expect_invalid([] { parse_pair_list("a b\x01 1 x\n", "p.txt"); },
                 "p.txt:1: expected 'path1 path2 same', found 4 fields in 'a b\\x01 1 x'");
  expect_invalid([] { read_pair_list("/nonexistent/pairs.txt"); }, "/nonexistent/pairs.txt: cannot open for reading");
}

TEST(IssameList, ReadsOneFlagPerLineOrWhitespaceSeparatedTokens) {
  EXPECT_EQ(parse_issame_list("1\n0\ntrue\nFalse\n", "l.txt"), (std::vector<bool>{true, false, true, false}));
  EXPECT_EQ(parse_issame_list("# flags\n1 0 1\r\n\n  True\tfalse  \n", "l.txt"),
            (std::vector<bool>{true, false, true, true, false}));
}

TEST(IssameList, ErrorsNameFileLineAndToken) {
  expect_invalid([] { parse_issame_list("1\n0\n1 2\n", "l.txt"); },
                 "l.txt:3: '2' is not a flag (0, 1, true, false, True or False)");
  expect_invalid([] { parse_issame_list("\n# none\n", "l.txt"); }, "l.txt: no flags (only blank or '#' lines)");
}

}  // namespace
}  // namespace marginlab::formats

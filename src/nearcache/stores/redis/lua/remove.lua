-- Remove the given members that exist. ARGV: base, kind (delete|evict|expire), logged,
-- retention, members... Returns the removed members.
local base, kind, logged, retention = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local asked = {}
for i = 5, #ARGV do asked[#asked + 1] = ARGV[i] end
if #asked == 0 then return {} end
local members, sizes = present(asked)
if #members == 0 then return {} end
return remove_members(base, members, sizes, kind, logged, retention)

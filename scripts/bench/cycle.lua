-- wrk: cycle through the request paths listed (one per line) in the file named by PATHS.
local paths = {}
local counter = 0

function init(args)
  local file = io.open(os.getenv("PATHS"), "r")
  for line in file:lines() do
    paths[#paths + 1] = line
  end
  file:close()
  -- Each thread starts at a different place in the list.
  counter = math.random(#paths)
end

function request()
  counter = counter % #paths + 1
  return wrk.format("GET", paths[counter])
end

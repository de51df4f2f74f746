module embers/goserver

go 1.19

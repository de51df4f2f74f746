module embers/gopeer

go 1.19

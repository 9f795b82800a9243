from ouderportaal.cli import main

main()
